// src/main/ipc with the FAKE electron ipcMain: every contract channel is registered, calls from anything but
// our window's main frame showing our page are refused, bad input is refused with BAD_REQUEST before the
// handler runs, and handler errors come back as data with their code.
import { beforeEach, describe, expect, it } from 'vitest';
import { registerIpc } from '../../src/main/ipc/register';
import type { Handlers } from '../../src/main/ipc/dispatch';
import { channelName, invokeContract, type InvokeName } from '../../src/shared/ipc-contract';
import { VmdeskError } from '../../src/shared/errors';
import { FakeBrowserWindow, FakeWebFrameMain, ipcMain, resetFakeElectron } from '../helpers/fake-electron';

const page = 'file:///opt/vmdesk/out/renderer/index.html';
let calls: Array<{ name: string; request: unknown }>;
let win: FakeBrowserWindow;

/** Handlers that record their input; inspectVm fails with a domain error. */
function recordingHandlers(): Handlers {
  const table: Record<string, (req: unknown) => Promise<unknown>> = {};
  for (const name of Object.keys(invokeContract)) {
    table[name] = async (request) => {
      calls.push({ name, request });
      if (name === 'inspectVm') throw new VmdeskError('VM_NOT_FOUND', 'no VM named "ghost"');
      if (name === 'doctor') throw new Error('boom');
      return name;
    };
  }
  return table as unknown as Handlers;
}

beforeEach(async () => {
  resetFakeElectron();
  calls = [];
  win = new FakeBrowserWindow({});
  await win.loadURL(page);
  registerIpc({
    ipcMain,
    handlers: recordingHandlers(),
    trusted: { webContentsId: () => win.webContents.id, pageUrl: () => page },
  });
});

describe('registerIpc', () => {
  it('registers exactly one handler per contract channel', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(
      (Object.keys(invokeContract) as InvokeName[]).map((k) => channelName(k)).sort(),
    );
  });

  it('serves our window', async () => {
    const r = await ipcMain.invoke('vmdesk:startVm', win.webContents.ipcEvent(), { name: 'web' });
    expect(r).toEqual({ ok: true, value: 'startVm' });
    expect(calls).toEqual([{ name: 'startVm', request: { name: 'web' } }]);
  });

  it('refuses another window, a subframe and a foreign page without running the handler', async () => {
    const other = new FakeBrowserWindow({});
    await other.loadURL(page);
    const sub = new FakeWebFrameMain(page, win.webContents.mainFrame);
    const fromOther = await ipcMain.invoke('vmdesk:startVm', other.webContents.ipcEvent(), { name: 'web' });
    const fromSub = await ipcMain.invoke('vmdesk:startVm', win.webContents.ipcEvent(sub), { name: 'web' });
    win.webContents.mainFrame.url = 'https://evil.example/';
    const fromForeign = await ipcMain.invoke('vmdesk:startVm', win.webContents.ipcEvent(), { name: 'web' });
    for (const r of [fromOther, fromSub, fromForeign]) {
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    expect(calls).toEqual([]);
  });

  it('refuses bad input with BAD_REQUEST and the field, without running the handler', async () => {
    const r = await ipcMain.invoke('vmdesk:stopVm', win.webContents.ipcEvent(), { name: 'web', force: 'yes' });
    expect(r).toEqual({ ok: false, error: { code: 'BAD_REQUEST', field: 'force', message: 'stopVm: force: expected a boolean' } });
    const r2 = await ipcMain.invoke('vmdesk:deleteVm', win.webContents.ipcEvent(), { name: '../etc', removeLogs: true });
    expect(r2).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', field: 'name' } });
    expect(calls).toEqual([]);
  });

  it('returns domain errors as data with their code, unknown errors as INTERNAL', async () => {
    const r = await ipcMain.invoke('vmdesk:inspectVm', win.webContents.ipcEvent(), { name: 'ghost' });
    expect(r).toEqual({ ok: false, error: { code: 'VM_NOT_FOUND', message: 'no VM named "ghost"' } });
    const r2 = await ipcMain.invoke('vmdesk:doctor', win.webContents.ipcEvent());
    expect(r2).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });

  it('unregisters every channel again', () => {
    resetFakeElectron();
    const off = registerIpc({ ipcMain, handlers: recordingHandlers(), trusted: { webContentsId: () => 1, pageUrl: () => page } });
    off();
    expect(ipcMain.handlers.size).toBe(0);
  });
});
