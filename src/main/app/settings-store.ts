// Where the app keeps settings: an interface, so the services run under plain Node (a JSON file) and in the
// app (electron-store over the same $VMDESK_HOME/settings.json the CLI reads).
import type { Settings } from '../../shared/settings';

/** Keys of settings.json the app keeps apart from Settings (the CLI ignores them; setSettings never touches them). */
export type SettingsSection = 'nomad';

/** Reads and replaces the whole settings object (validated by the caller). */
export interface SettingsStore {
  /** Current settings; throws VmdeskError INVALID_DRIVER_CONFIG when the file holds an invalid driver config. */
  get(): Settings;
  set(next: Settings): void;
  /** The raw value of an app section of the file (validated by its owner), or undefined. */
  getSection(key: SettingsSection): unknown;
  /** Replaces an app section of the file (undefined removes it); the rest of the file is kept. */
  setSection(key: SettingsSection, value: unknown): void;
  /** The file behind the store. */
  readonly path: string;
}
