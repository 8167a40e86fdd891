// Where the app keeps settings: an interface, so the services run under plain Node (a JSON file) and in the
// app (electron-store over the same $VMDESK_HOME/settings.json the CLI reads).
import type { Settings } from '../../shared/settings';

/** Reads and replaces the whole settings object (validated by the caller). */
export interface SettingsStore {
  /** Current settings; throws VmdeskError INVALID_DRIVER_CONFIG when the file holds an invalid driver config. */
  get(): Settings;
  set(next: Settings): void;
  /** The file behind the store. */
  readonly path: string;
}
