// The app's settings store: electron-store (schema, defaults, migrations) over $VMDESK_HOME/settings.json,
// the same file the CLI reads (key `driver` holds the driver config). Imports electron-store, so only
// src/main/index.ts uses it; the services see the SettingsStore interface.
import Store from 'electron-store';
import { DEFAULT_DRIVER_CONFIG } from '../../shared/driver-config';
import { DEFAULT_PREFERENCES, type Settings } from '../../shared/settings';
import { migrateFlatDriverConfig, settingsFromStored } from '../store/settings-file';
import type { SettingsStore } from './settings-store';

/** JSON schema electron-store checks on every write (the zod parse in settingsFromStored is the real check). */
const storeSchema = {
  driver: {
    type: 'object',
    properties: {
      image_paths: { type: 'array', items: { type: 'string' } },
      args_allowlist: { type: 'array', items: { type: 'string' } },
      args_loader_allowlist: { type: 'array', items: { type: 'string' } },
      emulators_allowlist: { type: 'array', items: { type: 'string' } },
      port_bind_address: { type: 'string' },
      artifact_max_bytes: { type: 'number' },
    },
  },
  preferences: {
    type: 'object',
    properties: {
      quitBehaviour: { enum: ['ask', 'stop', 'leave'] },
      theme: { enum: ['system', 'light', 'dark'] },
    },
  },
  // The app's Nomad target; `token_sealed` is the ACL token sealed by safeStorage, never the token itself.
  nomad: {
    type: 'object',
    properties: {
      address: { type: 'string' },
      namespace: { type: 'string' },
      region: { type: 'string' },
      token_sealed: { type: 'string' },
    },
  },
} as const;

/** Opens (creating with defaults, migrating if older: versions are app.getVersion()) the settings file in `home`. */
export function createElectronSettingsStore(home: string): SettingsStore {
  const store = new Store<Record<string, unknown>>({
    cwd: home,
    name: 'settings',
    defaults: { driver: DEFAULT_DRIVER_CONFIG, preferences: DEFAULT_PREFERENCES },
    schema: storeSchema as never,
    migrations: {
      '0.1.0': (s) => {
        const migrated = migrateFlatDriverConfig({ ...s.store });
        if (migrated !== s.store) s.store = migrated;
      },
    },
  });
  return {
    get path() {
      return store.path;
    },
    get: () => settingsFromStored(store.store, store.path),
    set(next: Settings): void {
      store.set('driver', next.driver);
      store.set('preferences', next.preferences);
    },
    getSection: (key) => store.get(key),
    setSection(key, value): void {
      if (value === undefined) store.delete(key);
      else store.set(key, value);
    },
  };
}
