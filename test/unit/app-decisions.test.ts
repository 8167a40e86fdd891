// Pure decisions of the app services: which URLs open in the browser, what quitting does, settings migration.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browsableHost, forwardedPortUrl, isForwardedPortUrl } from '../../src/main/app/forwarded-port';
import { decideQuit, quitDialogAnswer } from '../../src/main/app/quit';
import { createJsonSettingsStore, migrateFlatDriverConfig, settingsFromStored } from '../../src/main/store/settings-file';
import type { VmInfo } from '../../src/shared/vm';
import type { PortForward } from '../../src/shared/plan';

const fwd = (host: number, bind = '127.0.0.1', protocols: PortForward['protocols'] = ['tcp', 'udp']): PortForward => ({
  label: 'http',
  guest: 80,
  host,
  bind,
  protocols,
});
const vm = (state: VmInfo['state'], ports: PortForward[]): VmInfo => ({ name: 'web', state, ports, agent: 'disabled', disposable: false });

describe('forwarded ports', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['0.0.0.0', '127.0.0.1'],
    ['::', '[::1]'],
    ['::1', '[::1]'],
    ['192.168.1.5', '192.168.1.5'],
  ])('bind %s is browsed at %s', (bind, host) => expect(browsableHost(bind)).toBe(host));

  it('makes the URL only for a known TCP host port', () => {
    expect(forwardedPortUrl(fwd(8080))).toBe('http://127.0.0.1:8080/');
    expect(forwardedPortUrl(fwd(0))).toBeUndefined();
    expect(forwardedPortUrl(fwd(8080, '127.0.0.1', ['udp']))).toBeUndefined();
  });

  it.each([
    ['http://127.0.0.1:8080/', true],
    ['http://127.0.0.1:8080/some/path?q=1', true],
    ['http://127.0.0.1:8081/', false],
    ['https://127.0.0.1:8080/', false],
    ['http://localhost:8080/', false],
    ['http://user:pw@127.0.0.1:8080/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['http://127.0.0.1.evil.example:8080/', false],
  ])('%s is a forwarded port of a running VM: %s', (url, ok) => {
    expect(isForwardedPortUrl(url, [vm('running', [fwd(8080)])])).toBe(ok);
  });

  it('refuses ports of VMs that are not running', () => {
    expect(isForwardedPortUrl('http://127.0.0.1:8080/', [vm('exited', [fwd(8080)])])).toBe(false);
  });
});

describe('quit', () => {
  it.each([
    [0, 'ask', 'quit'],
    [2, 'ask', 'ask'],
    [2, 'stop', 'stop-then-quit'],
    [2, 'leave', 'quit'],
  ] as const)('%d running, preference %s -> %s', (n, pref, decision) => expect(decideQuit(n, pref)).toBe(decision));

  it('maps the dialog answer and remembers only when asked, never Cancel', () => {
    expect(quitDialogAnswer(0, true)).toEqual({ decision: 'stop-then-quit', remember: 'stop' });
    expect(quitDialogAnswer(1, true)).toEqual({ decision: 'quit', remember: 'leave' });
    expect(quitDialogAnswer(1, false)).toEqual({ decision: 'quit' });
    expect(quitDialogAnswer(2, true)).toEqual({ decision: 'cancel' });
  });
});

describe('settings file', () => {
  it('moves a flat driver config under driver, keeping other keys', () => {
    expect(migrateFlatDriverConfig({ image_paths: ['/img'], preferences: { theme: 'dark' } })).toEqual({
      preferences: { theme: 'dark' },
      driver: { image_paths: ['/img'] },
    });
    const already = { driver: { image_paths: [] } };
    expect(migrateFlatDriverConfig(already)).toBe(already);
  });

  it('ignores electron-store internals and fills defaults', () => {
    const s = settingsFromStored({ __internal__: { migrations: { version: '0.1.0' } }, driver: { image_paths: ['/img'] } }, 'settings.json');
    expect(s.driver).toEqual({ image_paths: ['/img'], args_allowlist: [], args_loader_allowlist: [], emulators_allowlist: [], port_bind_address: '127.0.0.1' });
    expect(s.preferences).toEqual({ quitBehaviour: 'ask', theme: 'system' });
  });

  it('reports an invalid driver config with the file, the field and what to do', () => {
    expect(() => settingsFromStored({ driver: { port_bind_address: 'everywhere' } }, '/h/settings.json')).toThrow(
      /\/h\/settings.json: driver.port_bind_address: port_bind_address must be an IP address.*Fix the file/,
    );
  });

  it('the JSON store writes driver and preferences and keeps unknown keys', () => {
    const home = mkdtempSync(join(tmpdir(), 'vd-settings-'));
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ __internal__: { x: 1 } }));
    const store = createJsonSettingsStore(home);
    const s = store.get();
    store.set({ ...s, preferences: { ...s.preferences, quitBehaviour: 'leave' } });
    const raw = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'));
    expect(raw.__internal__).toEqual({ x: 1 });
    expect(raw.preferences.quitBehaviour).toBe('leave');
    expect(store.get().preferences.quitBehaviour).toBe('leave');
  });
});
