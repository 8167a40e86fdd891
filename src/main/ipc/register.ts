// Registers one ipcMain handler per channel of the contract (no second hand-kept list), each going through
// dispatch (sender gate, schema, handler). The only place that calls ipcMain.handle.
import type { IpcMainInvokeEvent } from 'electron';
import { channelName, invokeContract, type InvokeName } from '../../shared/ipc-contract';
import { dispatch, type Handlers, type IpcLog } from './dispatch';
import type { SenderFacts, TrustedSender } from './sender-gate';

/** The part of Electron's ipcMain we use. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** What Electron tells us about a sender, reduced to the facts the gate decides on. */
export function senderFacts(event: IpcMainInvokeEvent): SenderFacts {
  // senderFrame is null when the frame navigated or was destroyed; treat that as "not our page".
  // A top-level frame has no parent (WebFrameMain.parent is null).
  const frame = event.senderFrame;
  return {
    webContentsId: event.sender.id,
    frameUrl: frame?.url,
    isMainFrame: frame !== null && frame !== undefined && frame.parent === null,
  };
}

/** Registers every contract channel; returns a function that removes them again. */
export function registerIpc(opts: {
  ipcMain: IpcMainLike;
  handlers: Handlers;
  trusted: TrustedSender;
  log?: IpcLog;
}): () => void {
  const names = Object.keys(invokeContract) as InvokeName[];
  for (const name of names) {
    opts.ipcMain.handle(channelName(name), (event, ...args) =>
      dispatch(name, senderFacts(event), args, opts.handlers, opts.trusted, opts.log),
    );
  }
  return () => {
    for (const name of names) opts.ipcMain.removeHandler(channelName(name));
  };
}
