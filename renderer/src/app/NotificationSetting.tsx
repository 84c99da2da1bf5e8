import { useState } from 'react';

type Permission = NotificationPermission | 'unsupported';

function currentPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * Desktop notifications for runs that end. Browsers ask for permission only after a user gesture, hence the button;
 * Electron grants it without asking.
 */
export function NotificationSetting() {
  const [permission, setPermission] = useState(currentPermission);
  if (permission === 'unsupported') return null;
  if (permission === 'granted') return <p className="sidebar-setting muted">Desktop notifications on</p>;
  if (permission === 'denied') return <p className="sidebar-setting muted">Desktop notifications blocked</p>;
  return (
    <button
      type="button"
      className="sidebar-setting"
      onClick={() => Notification.requestPermission().then(setPermission, () => setPermission(currentPermission()))}
    >
      Notify me when a run ends
    </button>
  );
}
