// Settings (driver config + preferences) as the main process stores them.
import { create } from 'zustand';
import type { Settings } from '../../../shared/settings';
import type { ErrorData } from '../../../shared/errors';
import { call } from '../api';

interface SettingsState {
  settings?: Settings;
  loadError?: ErrorData;
  /** The theme picked in Settings but not saved yet: shown at once, dropped when the page is left unsaved. */
  previewTheme?: Settings['preferences']['theme'];
  /** Shows a theme before it is saved (undefined: back to the saved one). */
  setPreviewTheme(theme: Settings['preferences']['theme'] | undefined): void;
  load(): Promise<void>;
  /** Saves; resolves to the error (with its field) when the main process refuses. */
  save(settings: Settings): Promise<ErrorData | undefined>;
}

/** The settings store. */
export const useSettings = create<SettingsState>((set) => ({
  setPreviewTheme: (previewTheme) => set({ previewTheme }),
  async load() {
    const r = await call((a) => a.getSettings());
    if (r.ok) set({ settings: r.value, loadError: undefined });
    else set({ loadError: r.error });
  },
  async save(settings) {
    const r = await call((a) => a.setSettings({ settings }));
    if (!r.ok) return r.error;
    set({ settings: r.value, previewTheme: undefined });
    return undefined;
  },
}));
