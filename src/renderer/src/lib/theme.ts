// The colour theme: the preference (system, light, dark) resolved against the OS setting, applied as
// <html data-theme="light|dark"> so the stylesheet keeps one dark palette and canvas code reads resolved colours.

/** The theme preference stored in settings. */
export type ThemePreference = 'system' | 'light' | 'dark';

const OS_DARK = '(prefers-color-scheme: dark)';

/** The theme to show for a preference, given whether the OS asks for dark. */
export function resolveTheme(preference: ThemePreference, osDark: boolean): 'light' | 'dark' {
  if (preference === 'system') return osDark ? 'dark' : 'light';
  return preference;
}

/** Applies the theme once (the first paint, before settings load). */
export function applyTheme(preference: ThemePreference): void {
  document.documentElement.dataset.theme = resolveTheme(preference, window.matchMedia(OS_DARK).matches);
}

/** Applies the theme now and again whenever the OS setting changes; returns the unsubscribe. */
export function followTheme(preference: ThemePreference): () => void {
  const query = window.matchMedia(OS_DARK);
  const apply = () => applyTheme(preference);
  apply();
  query.addEventListener('change', apply);
  return () => query.removeEventListener('change', apply);
}
