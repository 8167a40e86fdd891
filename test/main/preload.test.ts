// The preload: one named function per contract channel, `on` for contract events only, nothing else.
// Tested on the source (buildApi) and on the BUILT out/preload/index.cjs, run as a sandboxed preload would
// run: CommonJS, with a `require` that knows only 'electron' (here the FAKE electron module's
// contextBridge/ipcRenderer).
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/preload/build-api';
import { channelName, eventNames, invokeContract } from '../../src/shared/ipc-contract';
import * as fakeElectron from '../helpers/fake-electron';

const contractKeys = Object.keys(invokeContract).sort();

function recordingIpc() {
  const calls: Array<{ channel: string; args: unknown[] }> = [];
  const listeners = new Map<string, Set<(e: unknown, p: unknown) => void>>();
  return {
    calls,
    listeners,
    invoke: async (channel: string, ...args: unknown[]) => {
      calls.push({ channel, args });
      return { ok: true, value: channel };
    },
    on: (channel: string, l: (e: unknown, p: unknown) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    removeListener: (channel: string, l: (e: unknown, p: unknown) => void) => listeners.get(channel)?.delete(l),
  };
}

describe('buildApi (source)', () => {
  it('has exactly one function per contract channel, plus on', () => {
    const api = buildApi(recordingIpc()) as unknown as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...contractKeys, 'on'].sort());
    for (const k of Object.keys(api)) expect(typeof api[k]).toBe('function');
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('ipcRenderer');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('sends on the channel vmdesk:<key> with the request as the only argument', async () => {
    const ipc = recordingIpc();
    const api = buildApi(ipc);
    await api.inspectVm({ name: 'web' });
    await api.listVms();
    expect(ipc.calls).toEqual([
      { channel: 'vmdesk:inspectVm', args: [{ name: 'web' }] },
      { channel: 'vmdesk:listVms', args: [] },
    ]);
  });

  it('subscribes to known events without leaking the Electron event, and unsubscribes', () => {
    const ipc = recordingIpc();
    const api = buildApi(ipc);
    const got: unknown[] = [];
    const off = api.on('vmRemoved', (p) => got.push(p));
    const [listener] = [...ipc.listeners.get(channelName('vmRemoved'))!];
    listener!({ sender: 'secret' }, { name: 'web' });
    expect(got).toEqual([{ name: 'web' }]);
    off();
    expect(ipc.listeners.get(channelName('vmRemoved'))!.size).toBe(0);
  });

  it('refuses events outside the contract', () => {
    const api = buildApi(recordingIpc());
    expect(() => api.on('ipc-message' as never, () => {})).toThrow(/unknown event/);
  });
});

describe('out/preload/index.cjs (built)', () => {
  beforeEach(() => fakeElectron.resetFakeElectron());

  it('runs with only require("electron") and exposes the same API as window.api', async () => {
    const code = readFileSync('out/preload/index.cjs', 'utf8');
    const required: string[] = [];
    const module = { exports: {} };
    runInNewContext(code, {
      module,
      exports: module.exports,
      require: (id: string) => {
        required.push(id);
        if (id === 'electron') return fakeElectron;
        throw new Error(`a sandboxed preload cannot require ${id}`);
      },
    });
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect([...fakeElectron.contextBridge.exposed.keys()]).toEqual(['api']);
    const api = fakeElectron.contextBridge.exposed.get('api') as Record<string, (...a: unknown[]) => Promise<unknown>>;
    expect(Object.keys(api).sort()).toEqual([...contractKeys, 'on'].sort());

    fakeElectron.ipcRenderer.respond = async (channel) => ({ ok: true, value: channel });
    await expect(api.stopVm!({ name: 'web', force: true })).resolves.toEqual({ ok: true, value: 'vmdesk:stopVm' });
    expect(fakeElectron.ipcRenderer.invocations).toEqual([{ channel: 'vmdesk:stopVm', args: [{ name: 'web', force: true }] }]);

    const got: unknown[] = [];
    const off = (api.on as unknown as (e: string, l: (p: unknown) => void) => () => void)('consoleData', (p) => got.push(p));
    fakeElectron.ipcRenderer.emit('vmdesk:consoleData', { sender: {} }, { name: 'web', data: 'aGk=', offset: 2 });
    off();
    fakeElectron.ipcRenderer.emit('vmdesk:consoleData', {}, { name: 'web', data: 'aGk=', offset: 4 });
    expect(got).toEqual([{ name: 'web', data: 'aGk=', offset: 2 }]);
    expect(eventNames).toContain('consoleData');
  });
});
