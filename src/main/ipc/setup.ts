// Wires the app services to Electron IPC: registers every channel behind the sender gate and forwards app
// events (console output batched) to the window.
import type { AppServices } from '../app/services';
import { createEventForwarder, type ForwarderOptions } from './event-forwarder';
import type { IpcLog } from './dispatch';
import { registerIpc, type IpcMainLike } from './register';

/** The part of a BrowserWindow the IPC layer needs. */
export interface IpcWindow {
  isDestroyed(): boolean;
  webContents: { id: number; send(channel: string, ...args: unknown[]): void };
}

/** Registers the handlers and starts forwarding events; returns the teardown. */
export function setupIpc(opts: {
  ipcMain: IpcMainLike;
  services: AppServices;
  /** Our window (undefined before it exists). */
  window: () => IpcWindow | undefined;
  /** The URL our window loads. */
  pageUrl: string;
  log?: IpcLog;
  forwarder?: Partial<ForwarderOptions>;
}): () => void {
  const live = () => {
    const w = opts.window();
    return w && !w.isDestroyed() ? w : undefined;
  };
  const forwarder = createEventForwarder((channel, payload) => live()?.webContents.send(channel, payload), opts.forwarder);
  const unsubscribe = opts.services.subscribe(forwarder);
  const unregister = registerIpc({
    ipcMain: opts.ipcMain,
    handlers: opts.services.handlers,
    trusted: { webContentsId: () => live()?.webContents.id, pageUrl: () => opts.pageUrl },
    ...(opts.log ? { log: opts.log } : {}),
  });
  return () => {
    unregister();
    unsubscribe();
    forwarder.close();
  };
}
