import { readSetting, writeSetting } from './storage';

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

const THEME_KEY = 'awb.theme';

export function storedTheme(): ThemeChoice {
  const stored = readSetting(THEME_KEY);
  return THEME_CHOICES.find((choice) => choice === stored) ?? 'system';
}

/** `data-theme` on <html> selects the CSS variables; "system" leaves them to prefers-color-scheme. */
export function applyTheme(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = choice;
  writeSetting(THEME_KEY, choice);
}
