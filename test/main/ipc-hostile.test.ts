// Every IPC channel of the contract, called as a hostile renderer would (through registerIpc and the FAKE
// electron ipcMain): wrong types, extra keys, extra arguments, oversized payloads, non-JSON values, and calls
// from senders that are not our window's main frame. Each is refused with BAD_REQUEST or FORBIDDEN_SENDER
// and the handler never runs. The channel list comes from the contract: a new channel fails the first test
// until it has a well-formed sample here, so it is covered automatically from then on.
import { beforeEach, describe, expect, it } from 'vitest';
import { IPC_REQUEST_MAX_BYTES, IPC_REQUEST_MAX_DEPTH } from '../../src/main/ipc/parse-request';
import { registerIpc } from '../../src/main/ipc/register';
import type { Handlers } from '../../src/main/ipc/dispatch';
import { channelName, invokeContract, type InvokeName } from '../../src/shared/ipc-contract';
import { FakeBrowserWindow, FakeWebFrameMain, ipcMain, resetFakeElectron } from '../helpers/fake-electron';

const page = 'file:///opt/vmdesk/out/renderer/index.html';
const channels = Object.keys(invokeContract) as InvokeName[];

/** A well-formed request per channel (undefined: the channel takes no argument). */
const samples: Record<InvokeName, Record<string, unknown> | undefined> = {
  listVms: undefined,
  inspectVm: { name: 'web' },
  getTask: { name: 'web' },
  validateTask: { task: { name: 'web' } },
  saveTask: { task: { name: 'web' }, previousName: 'old' },
  startVm: { name: 'web' },
  stopVm: { name: 'web', force: true },
  restartVm: { name: 'web' },
  pauseVm: { name: 'web' },
  resumeVm: { name: 'web' },
  rebootVm: { name: 'web' },
  duplicateVm: { name: 'web', newName: 'web2' },
  deleteVm: { name: 'web', removeLogs: false },
  vmEvents: { name: 'web' },
  vmStats: { name: 'web' },
  consoleSubscribe: { name: 'web', fromOffset: 0 },
  consoleUnsubscribe: { name: 'web' },
  consoleWrite: { name: 'web', data: 'ls\n' },
  readLog: { name: 'web', stream: 'stderr', offset: 0, limit: 4096 },
  agentInterfaces: { name: 'web' },
  inspectImage: { path: '/images/web.qcow2' },
  allowImageFolder: { path: '/images/web.qcow2' },
  pickImage: undefined,
  getSettings: undefined,
  setSettings: { settings: {} },
  doctor: undefined,
  openForwardedPort: { name: 'web', label: 'http' },
  buildDemoImage: undefined,
  importJob: { text: 'job "web" {}', only: 'web', tasks: ['g/web', 'db'], dryRun: true },
  pickJobFile: undefined,
  getNomadSettings: undefined,
  setNomadSettings: { address: 'http://127.0.0.1:4646', namespace: 'default', region: 'global', token: 'secret', forgetToken: false },
  exportJob: { name: 'web', format: 'hcl', artifactUrl: 'https://example.test/web.qcow2', save: false },
  submitJob: { name: 'web', address: 'http://127.0.0.1:4646', namespace: 'default', region: 'global', detach: true },
  displayOpen: { name: 'web' },
  takeScreenshot: { name: 'web' },
  sendKeys: { name: 'web', keys: ['ctrl-alt-delete'] },
  listSnapshots: { name: 'web' },
  saveSnapshot: { name: 'web', tag: 'before' },
  restoreSnapshot: { name: 'web', tag: 'before' },
  deleteSnapshot: { name: 'web', tag: 'before' },
  listDownloads: undefined,
  cancelDownload: { name: 'web' },
  cacheInfo: undefined,
  clearCache: undefined,
  sshOpen: { name: 'web', cols: 80, rows: 24 },
  sshWrite: { session: 1, data: 'ls\n' },
  sshResize: { session: 1, cols: 120, rows: 40 },
  sshClose: { session: 1 },
  checksOverview: { name: 'web' },
  runChecks: { name: 'web' },
  stopChecks: { name: 'web' },
  readTestFile: { name: 'web', run: '20261204T005812Z', file: 'console.log' },
};

let calls: string[];
let win: FakeBrowserWindow;

beforeEach(async () => {
  resetFakeElectron();
  calls = [];
  win = new FakeBrowserWindow({});
  await win.loadURL(page);
  const handlers = Object.fromEntries(channels.map((name) => [name, async () => { calls.push(name); return null; }]));
  registerIpc({ ipcMain, handlers: handlers as unknown as Handlers, trusted: { webContentsId: () => win.webContents.id, pageUrl: () => page } });
});

const call = (name: InvokeName, ...args: unknown[]) => ipcMain.invoke(channelName(name), win.webContents.ipcEvent(), ...args);
const sampleArgs = (name: InvokeName) => (samples[name] === undefined ? [] : [samples[name]]);

/** Values of the wrong type for a field whose good value is `good` (z.unknown fields have none). */
function wrongTypes(good: unknown): unknown[] {
  if (typeof good === 'string') return [42, true, null, ['web'], { toString: 'web' }];
  if (typeof good === 'number') return ['0', -1, 1.5, true, null, 2 ** 53];
  if (typeof good === 'boolean') return ['true', 1, null];
  return [];
}

/** Values that are not plain JSON data (structured clone would let them through). */
const nonJson = (): Array<[string, unknown]> => {
  const cyclic: Record<string, unknown> = { name: 'web' };
  cyclic.self = cyclic;
  let deep: unknown = 'x';
  for (let i = 0; i < IPC_REQUEST_MAX_DEPTH + 2; i++) deep = [deep];
  return [['a Map', new Map([['name', 'web']])], ['a Date', new Date()], ['a Uint8Array', new Uint8Array(4)], ['a cycle', cyclic], ['NaN', { name: Number.NaN }], ['deep nesting', { name: deep }], ['a class instance', new (class Req { name = 'web'; })()]];
};

describe('IPC: every contract channel refuses hostile calls before its handler', () => {
  it('has a well-formed sample for every channel of the contract (a new channel must be added here)', () => {
    expect(Object.keys(samples).sort()).toEqual([...channels].sort());
  });

  it.each(channels)('%s: the well-formed sample reaches the handler (control)', async (name) => {
    expect(await call(name, ...sampleArgs(name))).toEqual({ ok: true, value: null });
    expect(calls).toEqual([name]);
  });

  it.each(channels)('%s: wrong types for the whole request and for each field', async (name) => {
    const sample = samples[name];
    const attempts: unknown[] = sample === undefined ? [42, 'web', {}, [], null, true] : [42, 'web', [], true, null, undefined];
    if (sample) {
      for (const [key, good] of Object.entries(sample)) for (const bad of wrongTypes(good)) attempts.push({ ...sample, [key]: bad });
    }
    // Some schemas take an optional object; `undefined` is then not wrong. Only count the refusals that must be.
    for (const a of attempts) {
      if (a === undefined && sample !== undefined && Object.keys(sample).length === 0) continue;
      const r = await call(name, a);
      expect(r, `${name}(${JSON.stringify(a)})`).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(new RegExp(`^${name}: `)) } });
    }
    expect(calls).toEqual([]);
  });

  it.each(channels)('%s: an extra key, a misspelt key and a second argument', async (name) => {
    const sample = samples[name] ?? {};
    const extra = await call(name, { ...sample, isAdmin: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    if (samples[name]) expect(extra).toMatchObject({ error: { field: 'isAdmin', message: expect.stringMatching(/unknown key/) } });
    expect(await call(name, ...sampleArgs(name), { name: 'second' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/takes (at most one argument|no arguments)/) } });
    expect(await call(name, { ['__proto__']: { polluted: true }, ...sample })).toMatchObject({ ok: false });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it.each(channels)('%s: an oversized payload is refused by size, before the schema', async (name) => {
    const big = 'x'.repeat(IPC_REQUEST_MAX_BYTES + 1);
    const r = await call(name, { ...(samples[name] ?? {}), pad: big });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/the request is too large \(\d+ bytes; at most \d+\)/) } });
    expect(calls).toEqual([]);
  });

  it.each(channels)('%s: values that are not plain JSON', async (name) => {
    for (const [what, value] of nonJson()) {
      const r = await call(name, value);
      expect(r, what).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/plain JSON|takes no arguments/) } });
    }
    expect(calls).toEqual([]);
  });

  it('importJob and setNomadSettings: hostile values inside the fields are refused', async () => {
    const imports = [
      { text: 'job "web" {}', tasks: [] },
      { text: 'job "web" {}', tasks: Array.from({ length: 65 }, (_, i) => `t${i}`) },
      { text: 'job "web" {}', tasks: [42] },
      { text: 'job "web" {}', tasks: ['x'.repeat(201)] },
      { text: 'job "web" {}', tasks: 'web' },
      { text: '' },
    ];
    for (const bad of imports) expect(await call('importJob', bad), JSON.stringify(bad).slice(0, 80)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const target = { address: 'http://127.0.0.1:4646', namespace: '', region: '' };
    const settings = [
      { ...target, token: '' },
      { ...target, token: 'x'.repeat(4097) },
      { ...target, address: 'x'.repeat(2049) },
      { address: 'http://127.0.0.1:4646', namespace: '' },
      { ...target, forgetToken: 'yes' },
    ];
    for (const bad of settings) expect(await call('setNomadSettings', bad), JSON.stringify(bad).slice(0, 80)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(calls).toEqual([]);
  });

  it.each(channels)('%s: from an unknown sender (another window, a subframe, a foreign page, a gone frame)', async (name) => {
    const other = new FakeBrowserWindow({});
    await other.loadURL(page);
    const sub = new FakeWebFrameMain(page, win.webContents.mainFrame);
    const events = [
      other.webContents.ipcEvent(),
      win.webContents.ipcEvent(sub),
      { ...win.webContents.ipcEvent(), senderFrame: null },
      { ...win.webContents.ipcEvent(), senderFrame: new FakeWebFrameMain('https://evil.example/index.html') },
      { ...win.webContents.ipcEvent(), senderFrame: new FakeWebFrameMain('file:///tmp/evil/index.html') },
    ];
    for (const event of events) {
      const r = await ipcMain.invoke(channelName(name), event, ...sampleArgs(name));
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    expect(calls).toEqual([]);
  });
});
