// Builds the object the preload exposes as `window.api`, from the IPC contract. Kept apart from index.ts so
// tests can build it with any ipcRenderer-like object.
import {
  channelName,
  eventNames,
  invokeContract,
  type EventContract,
  type EventName,
  type InvokeName,
  type VmdeskApi,
} from '../shared/ipc-contract';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/** `window.api`: one function per invoke key (sending at most one argument), plus `on` for known events. */
export function buildApi(ipc: IpcRendererLike): VmdeskApi {
  const api: Record<string, unknown> = {};
  for (const key of Object.keys(invokeContract) as InvokeName[]) {
    const channel = channelName(key);
    // One argument at most, passed through as given: main parses it with the channel's schema.
    api[key] = (request?: unknown) =>
      request === undefined ? ipc.invoke(channel) : ipc.invoke(channel, request);
  }
  const allowed = new Set<string>(eventNames);
  api.on = <E extends EventName>(event: E, listener: (payload: EventContract[E]) => void): (() => void) => {
    if (!allowed.has(event)) throw new Error(`window.api.on: unknown event "${String(event)}"`);
    if (typeof listener !== 'function') throw new Error('window.api.on: the listener must be a function');
    // The Electron event object is never handed to the renderer (it carries `sender`).
    const wrapped = (_event: unknown, payload: unknown) => listener(payload as EventContract[E]);
    const channel = channelName(event);
    ipc.on(channel, wrapped);
    return () => {
      ipc.removeListener(channel, wrapped);
    };
  };
  return Object.freeze(api) as VmdeskApi;
}
