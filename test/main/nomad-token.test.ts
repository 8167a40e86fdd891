// The Nomad target and its ACL token in the app: the built main process (out/main/index.js) under Node with
// the FAKE electron module, whose FAKE safeStorage is switched on or off per test (a real keyring cannot run
// here). The token must never reach settings.json in clear: sealed when a keyring is available, not stored
// when none is (or when Linux's "basic_text" fallback is all there is). Submissions go to a FAKE Nomad API.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launchMain, type MainHarness } from '../helpers/app-harness';
import { startFakeNomad, type FakeNomad } from '../helpers/fake-nomad-server';
import { fakeControl, FAKE_SEAL_MAGIC } from '../helpers/fake-electron';

const TOKEN = 'nomad-acl-3f9c1e77-token';
const task = { name: 'web', config: { image_path: 'web.qcow2', port_map: { http: 80 } }, ports: { http: 0 } };

let h: MainHarness | undefined;
let nomad: FakeNomad | undefined;
afterEach(async () => {
  await h?.close();
  await nomad?.close();
  h = undefined;
  nomad = undefined;
});

/** Launches the built app with the fake keyring on or off (set before main starts, as a real keyring is). */
async function launch(keyring: { available: boolean; backend?: string }): Promise<MainHarness> {
  h = await launchMain({}, async () => {
    fakeControl.encryptionAvailable = keyring.available;
    fakeControl.storageBackend = keyring.backend ?? 'gnome_libsecret';
  });
  return h;
}

const settingsText = (home: string) => readFileSync(join(home, 'settings.json'), 'utf8');

describe('Nomad token storage (FAKE safeStorage)', () => {
  it('with a keyring: the token is sealed in settings.json, never in clear, and used by a submit that omits it', async () => {
    const app = await launch({ available: true });
    const saved = await app.invoke('setNomadSettings', { address: 'http://127.0.0.1:1', namespace: 'dev', region: 'global', token: TOKEN });
    expect(saved).toEqual({ ok: true, value: { address: 'http://127.0.0.1:1', namespace: 'dev', region: 'global', tokenSaved: true, tokenStorage: 'encrypted' } });
    const text = settingsText(app.home);
    expect(text).not.toContain(TOKEN);
    const sealed = JSON.parse(text).nomad.token_sealed as string;
    expect(Buffer.from(sealed, 'base64').subarray(0, FAKE_SEAL_MAGIC.length).toString()).toBe(FAKE_SEAL_MAGIC);
    // The renderer learns only that a token is saved.
    const view = await app.invoke('getNomadSettings');
    expect(JSON.stringify(view)).not.toContain(TOKEN);
    expect(view).toMatchObject({ ok: true, value: { tokenSaved: true } });
    // Other settings writes keep the sealed token; the app's settings still parse (the CLI ignores `nomad`).
    const settings = await app.invoke('getSettings');
    expect(settings.ok).toBe(true);
    if (settings.ok) expect(await app.invoke('setSettings', { settings: settings.value })).toMatchObject({ ok: true });
    expect(JSON.parse(settingsText(app.home)).nomad.token_sealed).toBe(sealed);

    // A FAKE Nomad that demands the token: the saved one is unsealed and sent when the request has none.
    nomad = await startFakeNomad({ token: TOKEN });
    await app.invoke('setNomadSettings', { address: nomad.address, namespace: '', region: '', token: TOKEN });
    expect(await app.invoke('getNomadSettings')).toMatchObject({ ok: true, value: { address: nomad.address, tokenSaved: true } });
    await app.invoke('saveTask', { task });
    const r = await app.invoke('submitJob', { name: 'web', detach: true });
    expect(r).toMatchObject({ ok: true, value: { jobId: 'web', outcome: 'registered' } });
    expect(nomad.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1/jobs', token: TOKEN });
    expect(settingsText(app.home)).not.toContain(TOKEN);
  });

  it('the saved token is not sent to an address typed in for one submission', async () => {
    const app = await launch({ available: true });
    nomad = await startFakeNomad();
    await app.invoke('setNomadSettings', { address: 'http://127.0.0.1:9', namespace: '', region: '', token: TOKEN });
    await app.invoke('saveTask', { task });
    const r = await app.invoke('submitJob', { name: 'web', address: nomad.address, detach: true });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'registered' } });
    expect(nomad.requests.every((q) => q.token === undefined)).toBe(true);
  });

  it('saving another address drops the saved token (it belonged to the old cluster)', async () => {
    const app = await launch({ available: true });
    await app.invoke('setNomadSettings', { address: 'http://nomad-a:4646', namespace: '', region: '', token: TOKEN });
    expect(await app.invoke('setNomadSettings', { address: 'http://nomad-a:4646/', namespace: 'x', region: '' })).toMatchObject({ ok: true, value: { tokenSaved: true } });
    expect(await app.invoke('setNomadSettings', { address: 'http://nomad-b:4646', namespace: 'x', region: '' })).toMatchObject({ ok: true, value: { tokenSaved: false } });
    expect(JSON.parse(settingsText(app.home)).nomad.token_sealed).toBeUndefined();
  });

  it('forgetToken removes the sealed token', async () => {
    const app = await launch({ available: true });
    await app.invoke('setNomadSettings', { address: '', namespace: '', region: '', token: TOKEN });
    const forgot = await app.invoke('setNomadSettings', { address: '', namespace: '', region: '', forgetToken: true });
    expect(forgot).toMatchObject({ ok: true, value: { tokenSaved: false, tokenStorage: 'encrypted' } });
    expect(JSON.parse(settingsText(app.home)).nomad.token_sealed).toBeUndefined();
  });

  it.each([
    ['no keyring', { available: false }],
    ['only the basic_text fallback', { available: true, backend: 'basic_text' }],
  ])('with %s: the token is not stored at all, and the UI is told so', async (_what, keyring) => {
    const app = await launch(keyring);
    const saved = await app.invoke('setNomadSettings', { address: 'http://127.0.0.1:4646', namespace: '', region: '', token: TOKEN });
    expect(saved).toEqual({ ok: true, value: { address: 'http://127.0.0.1:4646', namespace: '', region: '', tokenSaved: false, tokenStorage: 'unavailable' } });
    const text = settingsText(app.home);
    expect(text).not.toContain(TOKEN);
    expect(JSON.parse(text).nomad).toEqual({ address: 'http://127.0.0.1:4646', namespace: '', region: '' });
  });

  it('refuses a Nomad address that is not an http(s) URL, with credentials, or not a URL; nothing is written', async () => {
    const app = await launch({ available: true });
    for (const address of ['ftp://nomad:4646', 'http://user:pw@nomad:4646', 'not a url']) {
      const r = await app.invoke('setNomadSettings', { address, namespace: '', region: '' });
      expect(r, address).toMatchObject({ ok: false, error: { code: 'NOMAD_ERROR', message: expect.stringMatching(/http|URL|credentials/) } });
    }
    expect(settingsText(app.home)).not.toContain('"nomad"');
  });
});
