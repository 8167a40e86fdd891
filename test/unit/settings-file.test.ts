// settings.json has one owner (src/main/store/settings-file.ts): the CLI's driver config and the app's JSON
// store read it by the same rule (size cap, regular file, JSON object, flat layout migrated) and the store
// writes it atomically, refusing what the readers would refuse.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonSettingsStore, loadDriverConfig, SETTINGS_FILE_MAX_BYTES } from '../../src/main/store/settings-file';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';

let home: string;
const file = () => join(home, 'settings.json');

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'vd-settings-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('reading settings.json: one rule for the CLI and the app', () => {
  it('a flat driver config (the old layout) is migrated for both readers', async () => {
    writeFileSync(file(), JSON.stringify({ image_paths: ['/srv/images'], preferences: { theme: 'dark' } }));
    expect((await loadDriverConfig({ home })).image_paths).toEqual(['/srv/images']);
    const s = createJsonSettingsStore(home).get();
    expect(s.driver.image_paths).toEqual(['/srv/images']);
    expect(s.preferences.theme).toBe('dark');
  });

  it.each([
    ['larger than the cap', () => writeFileSync(file(), `{"driver":{},"pad":"${'x'.repeat(SETTINGS_FILE_MAX_BYTES)}"}`), /larger than 1048576 bytes/],
    ['not JSON', () => writeFileSync(file(), '{ nope'), /settings\.json: not valid JSON .*fix or delete it/],
    ['a JSON array', () => writeFileSync(file(), '[1]'), /settings\.json: expected a JSON object/],
    ['a FIFO (would block a plain read)', () => execFileSync('mkfifo', [file()]), /is not a regular file/],
  ])('%s: both readers refuse it with the same clear error, and nothing changes', async (_what, make, message) => {
    make();
    const before = statSync(file());
    await expect(loadDriverConfig({ home })).rejects.toMatchObject({ code: 'INVALID_DRIVER_CONFIG', message: expect.stringMatching(message) });
    expect(() => createJsonSettingsStore(home).get()).toThrow(message);
    expect(statSync(file()).mtimeMs).toBe(before.mtimeMs);
  });

  it('a missing file means the defaults for both', async () => {
    expect(await loadDriverConfig({ home })).toEqual(DEFAULT_DRIVER_CONFIG);
    expect(createJsonSettingsStore(home).get().driver).toEqual(DEFAULT_DRIVER_CONFIG);
  });
});

describe('writing settings.json', () => {
  it('writes atomically (no temp file left, 0600), keeps unknown keys, and the CLI reads what the app wrote', async () => {
    writeFileSync(file(), JSON.stringify({ image_paths: ['/old'], __internal__: { migrations: { version: '0.1.0' } } }));
    const store = createJsonSettingsStore(home);
    const s = store.get();
    store.set({ ...s, driver: { ...s.driver, image_paths: ['/srv/new'] } });
    store.setSection('nomad', { address: 'http://127.0.0.1:4646' });
    expect(readdirSync(home)).toEqual(['settings.json']);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    const raw = JSON.parse(readFileSync(file(), 'utf8'));
    expect(raw.__internal__).toEqual({ migrations: { version: '0.1.0' } });
    expect(raw.image_paths).toBeUndefined(); // migrated under driver on the way
    expect(raw.nomad).toEqual({ address: 'http://127.0.0.1:4646' });
    expect((await loadDriverConfig({ home })).image_paths).toEqual(['/srv/new']);
  });

  it('refuses to write settings the readers could not read back, and leaves the file as it was', () => {
    const store = createJsonSettingsStore(home);
    const s = store.get();
    store.set(s);
    const before = readFileSync(file(), 'utf8');
    const huge = Array.from({ length: 300 }, (_, i) => `/srv/${i}/${'d'.repeat(4000)}`);
    expect(() => store.set({ ...s, driver: { ...s.driver, image_paths: huge } })).toThrow(/larger than 1048576 bytes; remove some entries/);
    expect(readFileSync(file(), 'utf8')).toBe(before);
  });
});
