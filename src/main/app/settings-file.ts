// Settings as stored in $VMDESK_HOME/settings.json: migrations of older layouts and reading the file into
// Settings. Shared by the electron-store wrapper (the app) and the plain JSON store (tests, headless use).
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseSettings, type Settings } from '../../shared/settings';
import { VmdeskError } from '../../shared/errors';
import { settingsFile } from '../store/paths';
import type { SettingsSection, SettingsStore } from './settings-store';

/** Keys electron-store (conf) keeps for itself in the file; they are not settings. */
export const STORE_INTERNAL_KEY = '__internal__';
/** App sections kept next to the settings (see SettingsSection); parsed by their owners, not as Settings. */
export const APP_SECTION_KEYS: readonly SettingsSection[] = ['nomad'];
const DRIVER_KEYS = ['image_paths', 'args_allowlist', 'emulators_allowlist', 'port_bind_address'];

/**
 * Migration to 0.1.0: a flat driver config at the top of settings.json (the `--driver-config` file layout)
 * moves under `driver` (the flat keys win: that layout had no `driver` key). Pure: returns a new object.
 */
export function migrateFlatDriverConfig(raw: Record<string, unknown>): Record<string, unknown> {
  const flat = DRIVER_KEYS.filter((k) => k in raw);
  if (flat.length === 0) return raw;
  const out: Record<string, unknown> = {};
  const driver: Record<string, unknown> =
    raw.driver && typeof raw.driver === 'object' && !Array.isArray(raw.driver) ? { ...(raw.driver as object) } : {};
  for (const [k, v] of Object.entries(raw)) {
    if (DRIVER_KEYS.includes(k)) {
      driver[k] = v;
    } else out[k] = v;
  }
  out.driver = driver;
  return out;
}

/** Validates what the file holds (store-internal keys ignored); invalid content is an actionable error. */
export function settingsFromStored(raw: unknown, file: string): Settings {
  const obj = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : raw;
  if (obj && typeof obj === 'object') {
    for (const key of [STORE_INTERNAL_KEY, ...APP_SECTION_KEYS]) delete (obj as Record<string, unknown>)[key];
  }
  const parsed = parseSettings(obj);
  if (!parsed.ok) {
    throw new VmdeskError(
      'INVALID_DRIVER_CONFIG',
      `${file}: ${parsed.message}. Fix the file, or save the settings again in the app's Settings screen.`,
      parsed.field,
    );
  }
  return parsed.settings;
}

/** A settings store on the plain JSON file (no Electron): for tests and for running the services under Node. */
export function createJsonSettingsStore(home: string): SettingsStore {
  const file = settingsFile(home);
  const readRaw = (): Record<string, unknown> => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new VmdeskError('INVALID_DRIVER_CONFIG', `${file} is not valid JSON (${(err as Error).message}); fix or delete it`);
    }
  };
  const write = (next: Record<string, unknown>) => {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
  };
  return {
    path: file,
    get: () => settingsFromStored(migrateFlatDriverConfig(readRaw()), file),
    set(next: Settings): void {
      write({ ...readRaw(), driver: next.driver, preferences: next.preferences });
    },
    getSection: (key) => readRaw()[key],
    setSection(key, value): void {
      const raw = readRaw();
      if (value === undefined) delete raw[key];
      else raw[key] = value;
      write(raw);
    },
  };
}
