// Types `window.api`, which the preload (src/preload) exposes with contextBridge, and Vite's client
// types (so the renderer can import CSS: bundled, since the CSP forbids remote stylesheets).
/// <reference types="vite/client" />
import type { VmdeskApi } from '../../shared/ipc-contract';

declare global {
  interface Window {
    /** The typed bridge to the main process: one function per IPC channel, plus `on(event)`. */
    readonly api: VmdeskApi;
  }
}
