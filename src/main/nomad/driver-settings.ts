// The driver config the importer validates against: `driver` in $VMDESK_HOME/settings.json (the same file
// the app and `vmdesk run` read), defaults when the file is missing.
import { readFile } from 'node:fs/promises';
import { DEFAULT_DRIVER_CONFIG, parseDriverConfig, type DriverConfig } from '../../shared/driver-config';
import { VmdeskError } from '../../shared/errors';
import { settingsFile } from '../store/paths';

/** Reads the driver config from settings.json under `home`, or `file` when given (a bare driver config). */
export async function readDriverConfig(home: string, file?: string): Promise<DriverConfig> {
  const path = file ?? settingsFile(home);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !file) return DEFAULT_DRIVER_CONFIG;
    throw new VmdeskError('INVALID_DRIVER_CONFIG', `cannot read ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new VmdeskError('INVALID_DRIVER_CONFIG', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  const driver = file ? doc : (doc as { driver?: unknown } | null)?.driver;
  const r = parseDriverConfig(driver ?? {});
  if (!r.ok) throw new VmdeskError('INVALID_DRIVER_CONFIG', `${path}: driver.${r.message}`, r.field);
  return r.config;
}
