/**
 * Settings the UI remembers between sessions (theme, annotator name). localStorage can be missing or refuse writes
 * (a locked-down profile, a full quota); a setting that cannot be stored is simply not remembered.
 */
export function readSetting(key: string): string | undefined {
  try {
    return window.localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

export function writeSetting(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Not remembered: the value still applies for this session.
  }
}
