import { useLayoutEffect, useState } from 'react';
import { applyTheme, storedTheme, THEME_CHOICES, type ThemeChoice } from './theme';

const LABELS: Record<ThemeChoice, string> = { system: 'As the system', light: 'Light', dark: 'Dark' };

/** System / light / dark, remembered between sessions. */
export function ThemeToggle() {
  const [theme, setTheme] = useState(storedTheme);
  // A layout effect, so the stored theme is on <html> before the first paint (no flash of the other theme).
  useLayoutEffect(() => applyTheme(theme), [theme]);
  return (
    <label className="sidebar-setting">
      Theme
      <select
        data-testid="theme-toggle"
        value={theme}
        onChange={(event) => setTheme(event.target.value as ThemeChoice)}
      >
        {THEME_CHOICES.map((choice) => (
          <option key={choice} value={choice}>
            {LABELS[choice]}
          </option>
        ))}
      </select>
    </label>
  );
}
