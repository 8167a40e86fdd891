// $VMDESK_HOME/settings.json, its one owner: every reader and writer of the file (the CLI's driver config,
// the app's JSON store; the electron-store wrapper uses the same migration and validation) goes by one rule:
// at most 1 MiB, a regular file holding a JSON object, older layouts migrated on read, written atomically
// (temp file, fsync, rename; 0600 in a 0700 home). Key `driver` holds the driver config; the other keys
// belong to the app and are ignored by the CLI. A `--driver-config FILE` is read by the same rule, whole.
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_DRIVER_CONFIG, parseDriverConfig, type DriverConfig } from '../../shared/driver-config';
import { VmdeskError } from '../../shared/errors';
import { parseSettings, type Settings } from '../../shared/settings';
import { writeFileAtomic } from '../supervisor/atomic-file';
import type { SettingsSection, SettingsStore } from '../app/settings-store';
import { settingsFile } from './paths';

/** Largest settings or driver config file read or written, in bytes. */
export const SETTINGS_FILE_MAX_BYTES = 1024 * 1024;
/** Keys electron-store (conf) keeps for itself in the file; they are not settings. */
export const STORE_INTERNAL_KEY = '__internal__';
/** App sections kept next to the settings (see SettingsSection); parsed by their owners, not as Settings. */
export const APP_SECTION_KEYS: readonly SettingsSection[] = ['nomad'];
const DRIVER_KEYS = ['image_paths', 'args_allowlist', 'args_loader_allowlist', 'emulators_allowlist', 'port_bind_address', 'artifact_max_bytes'];

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

/** Validates what the file holds (store-internal keys ignored); invalid content is an actionable error. Pure. */
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

/** The text of a small regular file, or undefined when it does not exist; opened O_NONBLOCK so a FIFO cannot hang us. */
function readCapped(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new VmdeskError('INVALID_DRIVER_CONFIG', `cannot read driver config: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    // fstat on the same descriptor: no swap between the check and the read.
    const s = fstatSync(fd);
    if (!s.isFile()) throw new VmdeskError('INVALID_DRIVER_CONFIG', `cannot read driver config: ${path} is not a regular file`);
    const tooLarge = () => new VmdeskError('INVALID_DRIVER_CONFIG', `cannot read driver config: ${path} is larger than ${SETTINGS_FILE_MAX_BYTES} bytes; shorten it (or delete it for the defaults)`);
    if (s.size > SETTINGS_FILE_MAX_BYTES) throw tooLarge();
    const buf = Buffer.alloc(SETTINGS_FILE_MAX_BYTES + 1);
    let total = 0;
    for (let n = 1; n > 0 && total < buf.length; total += n) n = readSync(fd, buf, total, buf.length - total, total);
    if (total > SETTINGS_FILE_MAX_BYTES) throw tooLarge(); // it grew after the fstat
    return buf.subarray(0, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Parses a settings or driver config file's text: a JSON object, else an error naming the file. Pure. */
function jsonObject(text: string, path: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new VmdeskError('INVALID_DRIVER_CONFIG', `${path}: not valid JSON (${(err as Error).message}); fix or delete it`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new VmdeskError('INVALID_DRIVER_CONFIG', `${path}: expected a JSON object; fix or delete it`);
  }
  return data as Record<string, unknown>;
}

/** What settings.json in `file` holds, migrated to the current layout; `{}` when it does not exist. */
export function readStoredSettings(file: string): Record<string, unknown> {
  const text = readCapped(file);
  return text === undefined ? {} : migrateFlatDriverConfig(jsonObject(text, file));
}

/** Replaces settings.json with `raw`, atomically; refuses content the readers would refuse (over the size cap). */
export function writeStoredSettings(file: string, raw: Record<string, unknown>): void {
  const text = `${JSON.stringify(raw, null, 2)}\n`;
  if (Buffer.byteLength(text) > SETTINGS_FILE_MAX_BYTES) {
    throw new VmdeskError('BAD_REQUEST', `the settings would be larger than ${SETTINGS_FILE_MAX_BYTES} bytes; remove some entries (image folders, allowed args)`);
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, text);
}

/** Loads the driver config from `file` (the whole file) or from `settings.json` in `home` (key `driver`). */
export async function loadDriverConfig(opts: { home: string; file?: string }): Promise<DriverConfig> {
  const explicit = opts.file !== undefined;
  const path = opts.file ?? settingsFile(opts.home);
  let section: unknown;
  if (explicit) {
    const text = readCapped(path);
    if (text === undefined) throw new VmdeskError('INVALID_DRIVER_CONFIG', `cannot read driver config: ${path} does not exist`);
    section = jsonObject(text, path);
  } else {
    section = readStoredSettings(path).driver;
  }
  if (section === undefined) return { ...DEFAULT_DRIVER_CONFIG };
  const r = parseDriverConfig(section ?? {});
  if (!r.ok) {
    const field = explicit ? r.field : r.field ? `driver.${r.field}` : 'driver';
    const message = explicit ? r.message : r.field ? `driver.${r.message}` : `driver: ${r.message}`;
    throw new VmdeskError('INVALID_DRIVER_CONFIG', `${path}: ${message}`, field);
  }
  return r.config;
}

/** A settings store on the plain JSON file (no Electron): for tests and for running the services under Node. */
export function createJsonSettingsStore(home: string): SettingsStore {
  const file = settingsFile(home);
  return {
    path: file,
    get: () => settingsFromStored(readStoredSettings(file), file),
    set(next: Settings): void {
      writeStoredSettings(file, { ...readStoredSettings(file), driver: next.driver, preferences: next.preferences });
    },
    getSection: (key) => readStoredSettings(file)[key],
    setSection(key, value): void {
      const raw = readStoredSettings(file);
      if (value === undefined) delete raw[key];
      else raw[key] = value;
      writeStoredSettings(file, raw);
    },
  };
}
