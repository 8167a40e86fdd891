// The preload bridge (runs sandboxed, built as CommonJS): exposes `window.api` with one named function per
// invoke channel of the contract, plus `on(event, listener)` for the contract's events only. It never exposes
// ipcRenderer, a generic invoke or send: the renderer can reach exactly the operations the contract declares.
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from './build-api';

contextBridge.exposeInMainWorld('api', buildApi(ipcRenderer));
