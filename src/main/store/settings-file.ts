// Reads the driver config: key `driver` of $VMDESK_HOME/settings.json (the other keys belong to the app and
// are ignored here), or a whole `--driver-config FILE`. A missing file means the defaults.
import { DEFAULT_DRIVER_CONFIG, parseDriverConfig, type DriverConfig } from '../../shared/driver-config';
import { VmdeskError } from '../../shared/errors';
import { settingsFile } from './paths';
import { readLimitedFile } from './read-limited';

/** Largest settings or driver config file read, in bytes. */
export const SETTINGS_FILE_MAX_BYTES = 1024 * 1024;

/** Loads the driver config from `file` (the whole file) or from `settings.json` in `home` (key `driver`). */
export async function loadDriverConfig(opts: { home: string; file?: string }): Promise<DriverConfig> {
  const explicit = opts.file !== undefined;
  const path = opts.file ?? settingsFile(opts.home);
  const text = await readSmallFile(path, explicit);
  if (text === undefined) return { ...DEFAULT_DRIVER_CONFIG };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new VmdeskError('INVALID_DRIVER_CONFIG', `${path}: not valid JSON (${(err as Error).message})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new VmdeskError('INVALID_DRIVER_CONFIG', `${path}: expected a JSON object`);
  }
  const section = explicit ? data : (data as Record<string, unknown>).driver;
  const r = parseDriverConfig(section ?? {});
  if (!r.ok) {
    const field = explicit ? r.field : r.field ? `driver.${r.field}` : 'driver';
    const message = explicit ? r.message : r.field ? `driver.${r.message}` : `driver: ${r.message}`;
    throw new VmdeskError('INVALID_DRIVER_CONFIG', `${path}: ${message}`, field);
  }
  return r.config;
}

async function readSmallFile(path: string, mustExist: boolean): Promise<string | undefined> {
  const r = await readLimitedFile(path, SETTINGS_FILE_MAX_BYTES);
  if (r.ok) return r.text;
  if (r.reason === 'missing' && !mustExist) return undefined;
  throw new VmdeskError('INVALID_DRIVER_CONFIG', `cannot read driver config: ${r.message}`);
}
