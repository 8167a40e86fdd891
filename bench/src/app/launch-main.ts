// Child process for the app-start figure: loads the BUILT main process with the FAKE electron module (the
// Electron binary cannot run here), fires app 'ready', and reports to the parent when every IPC channel of
// the contract has a handler ("ready for IPC") and when the window loaded its page. The fake reaches the
// main bundle (and electron-store's own `import 'electron'`) through the install directory the parent
// builds (app-start.ts: node_modules/electron is a package re-exporting the fake) and --preserve-symlinks,
// not through a module.register() hook: Node 20 runs such hooks on a separate thread and every import of
// the app's dependencies then pays a round trip to it, which is not a cost the app has under Electron.
// Times are monotonic-clock ms (same clock as the parent). argv: <install>/main/index.js <fake-electron URL> [timeout]
import { pathToFileURL } from 'node:url';
import { invokeContract } from '../../../src/shared/ipc-contract';

type Fake = typeof import('../../../test/helpers/fake-electron');

const now = () => Number(process.hrtime.bigint()) / 1e6;
const send = (msg: Record<string, unknown>) => process.send?.(msg);

async function launch(): Promise<void> {
  const [mainFile, fakeUrl, readyTimeout] = process.argv.slice(2);
  if (!mainFile || !fakeUrl) throw new Error('usage: launch-main.js <install>/main/index.js <fake-electron URL> [ready timeout ms]');
  const fake = (await import(fakeUrl)) as Fake;
  const channels = Object.keys(invokeContract).length;
  let windowLoadedAt: number | undefined;
  fake.fakeControl.onLoad = async () => {
    windowLoadedAt ??= now();
  };
  // Ready for IPC = the moment the last contract channel gets its handler: watch registrations.
  const ready = new Promise<number>((resolve) => {
    const handle = fake.ipcMain.handle.bind(fake.ipcMain);
    fake.ipcMain.handle = (channel, handler) => {
      handle(channel, handler);
      if (fake.ipcMain.handlers.size >= channels) resolve(now());
    };
  });
  const importStart = now();
  await import(pathToFileURL(mainFile).href);
  const imported = now();
  fake.app.fireReady();
  const at = await Promise.race([ready, new Promise<undefined>((r) => setTimeout(() => r(undefined), Number(readyTimeout ?? 10_000)))]);
  // Let the window finish loading when it is under way (recorded separately).
  await new Promise((r) => setTimeout(r, 50));
  const facts = { importStart, imported, windowLoadedAt, handlers: fake.ipcMain.handlers.size, channels };
  send(at !== undefined ? { type: 'ready', at, ...facts } : { type: 'not-ready', at: now(), ...facts });
  process.exit(0);
}

launch().catch((err: Error) => {
  send({ type: 'error', message: err.stack ?? err.message });
  process.exit(1);
});
