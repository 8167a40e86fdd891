// The browser harness: the whole vmdesk app except Electron itself, in Debian's Chromium.
//
//   real renderer (out/renderer, React)            in Chromium via playwright-core, loaded from file://
//   real preload  (out/preload/index.cjs)          run in the page by an init script, with a shim for
//                                                  require('electron') (contextBridge, ipcRenderer)
//   ─ bridge ─    ipcRenderer.invoke(channel, ...args)  -> page.exposeBinding -> the handler that the REAL
//                 main process registered on the FAKE ipcMain, called with an event whose sender is our
//                 window and whose senderFrame is the real Chromium frame (URL, parent) -> sender gate
//                 webContents.send(channel, payload)     -> page.evaluate -> the preload's listeners
//   real main     (out/main/index.js, or src/main/index.ts with entry 'source'), imported with `electron`
//                 resolved to the FAKE module (vitest alias): its single-instance lock, settings store,
//                 supervisor (real QEMU), services, IPC registration, window creation and quit flow run.
//
// Only Electron is replaced: BrowserWindow.loadFile points the Chromium page at the same file URL, and the
// preload path comes from the window's webPreferences, so a wrong path in main fails here too.
// Differences to Electron: the preload runs in the page's main world (no context isolation), and
// navigation/window.open are not routed through the fake webContents (tested on the fake directly).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { IpcResult, InvokeName, InvokeRequest, InvokeResult } from '../../src/shared/ipc-contract';
import { channelName } from '../../src/shared/ipc-contract';
import { pidsMentioning } from './cleanup';
import { app, fakeControl, FakeBrowserWindow, ipcMain, resetFakeElectron } from './fake-electron';

const root = resolve(import.meta.dirname, '..', '..');

/** Chromium flags for this environment (no GPU, no sandbox in the container, no background traffic). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Module scripts of the built renderer load from file:// (as in Electron's loadFile).
  '--allow-file-access-from-files',
];

/** Options of launchMain / launchApp. */
export interface AppHarnessOptions {
  /** 'bundle' (default): the built out/main/index.js, as shipped. 'source': src/main/index.ts. */
  entry?: 'bundle' | 'source';
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** settings.json written before the app starts (e.g. `{ driver: { image_paths: [guestDir] } }`). */
  settings?: Record<string, unknown>;
  /** Reuse these directories (a second launch over the same home: re-attaching); the caller removes them. */
  dirs?: { home: string; runtimeDir: string };
}

/** The main process running under Node with the fake electron (no renderer). */
export interface MainHarness {
  /** $VMDESK_HOME of this app (a temp dir). */
  home: string;
  /** $VMDESK_RUNTIME_DIR (a short temp dir). */
  runtimeDir: string;
  /** The fake BrowserWindow the main process created. */
  window: FakeBrowserWindow;
  /** The window's webPreferences as main set them. */
  webPreferences: Record<string, unknown>;
  /** Calls a channel from Node through the same gate as the page (sender = our window's main frame). */
  invoke<K extends InvokeName>(name: K, ...request: InvokeRequest<K> extends undefined ? [] : [InvokeRequest<K>]): Promise<IpcResult<InvokeResult<K>>>;
  /**
   * Stops every VM (force; SIGKILL as a last resort), quits the app, removes temp dirs it made.
   * `keepVmsRunning`: leave VMs running (to re-attach them in a second launch over the same dirs).
   */
  close(opts?: { keepVmsRunning?: boolean }): Promise<void>;
}

/** A running app whose renderer is in Chromium. */
export interface AppHarness extends MainHarness {
  page: Page;
  browser: Browser;
  /** Page errors and console errors seen so far (CSP violations show up here). */
  pageErrors: string[];
  /** Saves a screenshot (docs/screenshots/<name>.png when new or VMDESK_UPDATE_SCREENSHOTS=1); returns its path. */
  screenshot(name: string): Promise<string>;
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The init script: defines require('electron') for the preload and runs the built preload's code. */
function preloadInitScript(preloadCode: string): string {
  return `(() => {
  if (window.top !== window) return; // Electron runs preloads in the main frame only (nodeIntegrationInSubFrames: false)
  const listeners = new Map();
  const electronShim = {
    contextBridge: {
      exposeInMainWorld(key, api) {
        Object.defineProperty(window, key, { value: api, enumerable: true, writable: false, configurable: false });
      },
    },
    ipcRenderer: {
      invoke: (channel, ...args) => window.__vmdeskHarnessInvoke(channel, args),
      on(channel, listener) {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel).add(listener);
        return this;
      },
      removeListener(channel, listener) {
        listeners.get(channel)?.delete(listener);
        return this;
      },
    },
  };
  Object.defineProperty(window, '__vmdeskHarnessEmit', {
    value: (channel, args) => {
      for (const l of [...(listeners.get(channel) ?? [])]) l({ sender: undefined }, ...args);
    },
  });
  const module = { exports: {} };
  const require = (id) => {
    if (id === 'electron') return electronShim;
    throw new Error('a sandboxed preload cannot require ' + id);
  };
  (function (module, exports, require) {
${preloadCode}
  })(module, module.exports, require);
})();`;
}

let launched = false;
let launchCount = 0;

/**
 * Starts the real main process (bundle or source) under Node with the fake electron: settings, supervisor,
 * services, IPC, window (loads nothing unless `beforeImport` hooks the fake's onLoad). One at a time per file.
 */
export async function launchMain(opts: AppHarnessOptions = {}, beforeImport?: () => Promise<void>): Promise<MainHarness> {
  if (launched) throw new Error('launchMain: one app at a time per test file; close the previous one first');
  launched = true;
  resetFakeElectron();
  app.removeAllListeners();
  const home = opts.dirs?.home ?? mkdtempSync(join(tmpdir(), 'vd-app-home-'));
  const runtimeDir = opts.dirs?.runtimeDir ?? mkdtempSync('/tmp/vd-');
  if (opts.settings) writeFileSync(join(home, 'settings.json'), JSON.stringify(opts.settings, null, 2));
  const savedEnv = { VMDESK_HOME: process.env.VMDESK_HOME, VMDESK_RUNTIME_DIR: process.env.VMDESK_RUNTIME_DIR };
  process.env.VMDESK_HOME = home;
  process.env.VMDESK_RUNTIME_DIR = runtimeDir;

  let closed = false;
  const harness: MainHarness = {
    home,
    runtimeDir,
    window: undefined as unknown as FakeBrowserWindow,
    webPreferences: {},
    async invoke(name, ...request) {
      const handler = ipcMain.handlers.get(channelName(name));
      if (!handler) throw new Error(`no handler for ${name}`);
      return handler(harness.window.webContents.ipcEvent() as never, ...request) as never;
    },
    async close(closeOpts = {}) {
      if (closed) return;
      closed = true;
      try {
        await stopEverything(harness, closeOpts.keepVmsRunning === true);
        if (!fakeControl.quitCompleted) {
          // Should the quit dialog come up: "Leave them running" or "Stop them gracefully".
          fakeControl.messageBoxResult = { response: closeOpts.keepVmsRunning ? 1 : 0, checkboxChecked: false };
          app.quit();
          await waitFor('the app to finish quitting', () => fakeControl.quitCompleted, 60_000).catch(() => undefined);
        }
      } finally {
        app.removeAllListeners();
        resetFakeElectron();
        for (const [k, v] of Object.entries(savedEnv)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        if (!opts.dirs) {
          rmSync(home, { recursive: true, force: true });
          rmSync(runtimeDir, { recursive: true, force: true });
        }
        launched = false;
      }
    },
  };

  try {
    await beforeImport?.();
    const entry = opts.entry === 'source' ? join(root, 'src/main/index.ts') : join(root, 'out/main/index.js');
    // A fresh evaluation of the entry per launch (the query makes it a new module); its imports, including
    // the fake electron module the tests hold, stay shared.
    await import(/* @vite-ignore */ `${pathToFileURL(entry).href}?launch=${++launchCount}`);
    app.fireReady();
    harness.window = await waitFor('the main process to create its window', () => FakeBrowserWindow.windows[0]);
    harness.webPreferences = harness.window.options.webPreferences ?? {};
    await waitFor('the main process to load the page', () => harness.window.loadedUrl);
  } catch (err) {
    await harness.close();
    throw err;
  }
  return harness;
}

/** Starts the app: the real main process (launchMain) and its renderer in Chromium, bridged (see the top). */
export async function launchApp(opts: AppHarnessOptions = {}): Promise<AppHarness> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  let main: MainHarness | undefined;
  try {
    const context = await browser.newContext({
      viewport: opts.viewport ?? { width: 1200, height: 800 },
      colorScheme: opts.colorScheme ?? 'light',
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
    });

    main = await launchMain(opts, async () => {
      // Renderer -> main: the binding calls the handler the real main process registered on the fake ipcMain,
      // with the real Chromium frame as the sender frame.
      await page.exposeBinding('__vmdeskHarnessInvoke', async (source, channel: string, args: unknown[]) => {
        const win = FakeBrowserWindow.windows[0];
        const handler = ipcMain.handlers.get(channel);
        if (!win || !handler) throw new Error(`Error invoking remote method '${channel}': No handler registered for '${channel}'`);
        const frame = source.frame;
        const parent = frame.parentFrame();
        const event = { sender: win.webContents, senderFrame: { url: frame.url(), parent: parent ? { url: parent.url() } : null } };
        return handler(event as never, ...args);
      });
      // Main -> renderer: webContents.send becomes a call into the page, in order.
      let sendChain: Promise<unknown> = Promise.resolve();
      fakeControl.onSend = (_win, channel, args) => {
        sendChain = sendChain
          .then(() =>
            page.evaluate(
              ([c, a]) => (window as unknown as { __vmdeskHarnessEmit(c: string, a: unknown[]): void }).__vmdeskHarnessEmit(c, a),
              [channel, args] as const,
            ),
          )
          .catch(() => undefined);
      };
      // BrowserWindow.loadFile/loadURL: point Chromium at the same URL, with the window's preload.
      fakeControl.onLoad = async (win, url) => {
        const preload = String(win.options.webPreferences?.preload ?? '');
        await page.addInitScript({ content: preloadInitScript(readFileSync(preload, 'utf8')) });
        await page.goto(url);
      };
    });
    await waitFor('the renderer page to have window.api', () => page.evaluate(() => 'api' in window).catch(() => false));
    const m = main;
    return {
      ...m,
      get window() {
        return m.window;
      },
      page,
      browser,
      pageErrors,
      async screenshot(name) {
        // docs/screenshots/ is committed: a run adds missing screens there, and refreshes existing ones only
        // with VMDESK_UPDATE_SCREENSHOTS=1 (so `npm test` leaves the worktree clean); otherwise the fresh
        // screenshot goes to test-results/screenshots/.
        const docs = join(root, 'docs', 'screenshots');
        const refresh = process.env.VMDESK_UPDATE_SCREENSHOTS === '1' || !existsSync(join(docs, `${name}.png`));
        const dir = refresh ? docs : join(root, 'test-results', 'screenshots');
        mkdirSync(dir, { recursive: true });
        const path = join(dir, `${name}.png`);
        await page.screenshot({ path });
        return path;
      },
      async close(closeOpts) {
        try {
          await m.close(closeOpts);
        } finally {
          await browser.close().catch(() => undefined);
        }
      },
    };
  } catch (err) {
    await main?.close().catch(() => undefined);
    await browser.close().catch(() => undefined);
    throw err;
  }
}

/** Stops every VM the app knows (force), then SIGKILLs any process still using this app's runtime dir. */
async function stopEverything(h: MainHarness, keepRunning: boolean): Promise<void> {
  if (!keepRunning) {
    const list = await h.invoke('listVms').catch(() => undefined);
    if (list?.ok) {
      for (const vm of list.value) {
        if (['starting', 'running', 'paused', 'stopping'].includes(vm.state)) {
          await h.invoke('stopVm', { name: vm.name, force: true }).catch(() => undefined);
        }
      }
    }
  }
  // QEMU's command line names its sockets in the runtime dir: whatever still mentions it is ours.
  if (!keepRunning) for (const pid of pidsMentioning(h.runtimeDir)) tryKill(pid);
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
