// FAKE electron module, for tests only: the Electron binary cannot be downloaded in this environment, so
// vitest resolves `electron` to this file (vitest.config.ts alias). It implements just enough of the main
// process API for our code (BrowserWindow, webContents, ipcMain, session, app, dialog, shell, safeStorage)
// and records what the code did, so tests can assert on window options, handlers and lifecycle.
// It also carries `contextBridge`/`ipcRenderer` for running the preload. Nothing here is Electron itself.
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Test-controlled behaviour and hooks of the fake. */
export interface FakeControl {
  /** What requestSingleInstanceLock() returns. */
  singleInstanceLock: boolean;
  /** Next result of dialog.showOpenDialog. */
  openDialogResult: { canceled: boolean; filePaths: string[] };
  /** Next result of dialog.showSaveDialog. */
  saveDialogResult: { canceled: boolean; filePath?: string };
  /** Next result of dialog.showMessageBox. */
  messageBoxResult: { response: number; checkboxChecked: boolean };
  /** Every dialog.showMessageBox call's options. */
  messageBoxes: Array<Record<string, unknown>>;
  /** URLs given to shell.openExternal. */
  openedExternally: string[];
  /** Called when a window loads a URL (the browser harness points a real Chromium page at it). */
  onLoad?: (win: FakeBrowserWindow, url: string) => Promise<void>;
  /** Called for every webContents.send (the browser harness forwards it into the page). */
  onSend?: (win: FakeBrowserWindow, channel: string, args: unknown[]) => void;
  /** Set once app.quit() went through (before-quit not prevented). */
  quitCompleted: boolean;
  /** Set by app.exit(code). */
  exitCode?: number;
  /** What the FAKE safeStorage.isEncryptionAvailable() answers (default false, as on a box without a keyring). */
  encryptionAvailable: boolean;
  /** What the FAKE safeStorage.getSelectedStorageBackend() answers. */
  storageBackend: string;
}

function defaultControl(): FakeControl {
  return {
    singleInstanceLock: true,
    openDialogResult: { canceled: true, filePaths: [] },
    saveDialogResult: { canceled: true },
    messageBoxResult: { response: 2, checkboxChecked: false },
    messageBoxes: [],
    openedExternally: [],
    quitCompleted: false,
    encryptionAvailable: false,
    storageBackend: 'gnome_libsecret',
  };
}

/** The fake's controls; reset between tests with resetFakeElectron(). */
export const fakeControl: FakeControl = defaultControl();

/** A frame: its URL and parent (null for a main frame), like Electron's WebFrameMain. */
export class FakeWebFrameMain {
  constructor(
    public url: string,
    public parent: FakeWebFrameMain | null = null,
  ) {}
}

/** An event with preventDefault, as Electron passes to will-navigate, before-quit, ... */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

type PermissionRequestHandler = (wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
type PermissionCheckHandler = (wc: unknown, permission: string, origin: string, details: unknown) => boolean;
type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
) => void;

/** A session: records permission handlers and the onHeadersReceived listener. */
export class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  headersListener: HeadersListener | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener | null) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(h: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = h;
  }
  /** Asks the registered handler as Chromium would; resolves to the decision (default: granted, as Electron). */
  requestPermission(permission: string): Promise<boolean> {
    return new Promise((resolve) => {
      if (!this.permissionRequestHandler) return resolve(true);
      this.permissionRequestHandler({}, permission, resolve, {});
    });
  }
  /** Runs the headers listener on a response; returns the headers it produced. */
  applyHeaders(url: string, headers: Record<string, string[]> = {}): Promise<Record<string, string[]> | undefined> {
    return new Promise((resolve) => {
      if (!this.headersListener) return resolve(headers);
      this.headersListener({ url, responseHeaders: headers }, (r) => resolve(r.responseHeaders));
    });
  }
}

let nextWebContentsId = 1;

/** A webContents: id, main frame, sent messages, window-open handler and navigation events. */
export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly mainFrame = new FakeWebFrameMain('about:blank');
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  devToolsOpened = false;
  destroyed = false;
  constructor(
    readonly owner: FakeBrowserWindow,
    readonly session: FakeSession,
  ) {
    super();
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
    fakeControl.onSend?.(this.owner, channel, args);
  }
  setWindowOpenHandler(h: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = h;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  openDevTools(): void {
    this.devToolsOpened = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Emits will-navigate as Chromium would; returns true when the code let the navigation happen. */
  simulateNavigation(url: string, event = 'will-navigate'): boolean {
    const e = new FakeEvent();
    this.emit(event, e, url);
    return !e.defaultPrevented;
  }
  /** Asks the window-open handler about a window.open / target=_blank link; returns its answer. */
  simulateWindowOpen(url: string): { action: 'allow' | 'deny' } {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }) : { action: 'allow' };
  }
  /** An IPC event as ipcMain handlers receive it, from this webContents' main frame (or another frame). */
  ipcEvent(frame: FakeWebFrameMain = this.mainFrame): { sender: FakeWebContents; senderFrame: FakeWebFrameMain; frameId: number } {
    return { sender: this, senderFrame: frame, frameId: frame === this.mainFrame ? 1 : 2 };
  }
}

/** A BrowserWindow: records its options and what it loaded. */
export class FakeBrowserWindow extends EventEmitter {
  static windows: FakeBrowserWindow[] = [];
  readonly webContents: FakeWebContents;
  loadedFile?: string;
  loadedUrl?: string;
  shown = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> } = {}) {
    super();
    this.webContents = new FakeWebContents(this, session.defaultSession);
    FakeBrowserWindow.windows.push(this);
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.windows.filter((w) => !w.destroyed);
  }
  async loadFile(file: string): Promise<void> {
    this.loadedFile = file;
    await this.loadURL(pathToFileURL(file).href);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    await fakeControl.onLoad?.(this, url);
    this.emit('ready-to-show');
    this.webContents.emit('did-finish-load');
  }
  show(): void {
    this.shown = true;
  }
  focus(): void {}
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    if (this.destroyed) return;
    const e = new FakeEvent();
    this.emit('close', e);
    if (e.defaultPrevented) return;
    this.destroy();
  }
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    if (FakeBrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
  }
}

// `never`: our code registers listeners typed with Electron's IpcMainInvokeEvent; the fake passes its own events.
type IpcHandler = (event: never, ...args: unknown[]) => unknown;

/** ipcMain: a registry of invoke handlers, with invoke() to call one as a renderer would. */
export const ipcMain = Object.assign(new EventEmitter(), {
  handlers: new Map<string, IpcHandler>(),
  handle(channel: string, handler: IpcHandler): void {
    if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcMain.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    ipcMain.handlers.delete(channel);
  },
  /** Calls the handler of `channel` with `event` (see FakeWebContents.ipcEvent) as Electron would. */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const h = ipcMain.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event as never, ...args);
  },
});

class FakeApp extends EventEmitter {
  isPackaged = false;
  name = 'vmdesk';
  private readyResolve!: () => void;
  private readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  private isReadyFlag = false;
  private userData = '';
  getVersion(): string {
    return '0.1.0';
  }
  getName(): string {
    return this.name;
  }
  getPath(_name: string): string {
    if (!this.userData) this.userData = mkdtempSync(join(tmpdir(), 'vd-fake-userdata-'));
    return this.userData;
  }
  setPath(_name: string, value: string): void {
    this.userData = value;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  isReady(): boolean {
    return this.isReadyFlag;
  }
  /** Test control: fires 'ready' and resolves whenReady(). */
  fireReady(): void {
    this.isReadyFlag = true;
    this.readyResolve();
    this.emit('ready');
  }
  requestSingleInstanceLock(): boolean {
    return fakeControl.singleInstanceLock;
  }
  setAppUserModelId(_id: string): void {}
  quit(): void {
    const e = new FakeEvent();
    this.emit('before-quit', e);
    if (e.defaultPrevented) return;
    const w = new FakeEvent();
    this.emit('will-quit', w);
    if (w.defaultPrevented) return;
    fakeControl.quitCompleted = true;
    this.emit('quit');
  }
  exit(code = 0): void {
    fakeControl.exitCode = code;
  }
  focus(): void {}
}

/** app: lifecycle events; tests call app.fireReady() to start. */
export const app = new FakeApp();

/** session: one default session. */
export const session = { defaultSession: new FakeSession() };

/** dialog: answers from fakeControl. */
export const dialog = {
  async showOpenDialog(..._args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    return fakeControl.openDialogResult;
  },
  async showSaveDialog(..._args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> {
    return fakeControl.saveDialogResult;
  },
  async showMessageBox(...args: unknown[]): Promise<{ response: number; checkboxChecked: boolean }> {
    const options = (args.length > 1 ? args[1] : args[0]) as Record<string, unknown>;
    fakeControl.messageBoxes.push(options);
    return fakeControl.messageBoxResult;
  },
  showErrorBox(title: string, content: string): void {
    fakeControl.messageBoxes.push({ title, content, error: true });
  },
};

/** shell: records openExternal URLs instead of starting a browser. */
export const shell = {
  async openExternal(url: string): Promise<void> {
    fakeControl.openedExternally.push(url);
  },
  async openPath(_path: string): Promise<string> {
    return '';
  },
};

/** The FAKE safeStorage's marker: its "ciphertext" starts with these bytes (so tests can tell it was sealed). */
export const FAKE_SEAL_MAGIC = 'FAKE-SAFESTORAGE-v1:';
const fakeSealKey = 0x5a;

/**
 * FAKE safeStorage: not Electron's keyring. Availability comes from fakeControl.encryptionAvailable (default
 * false). "Encryption" is a reversible XOR behind a marker: enough to prove the code stores what
 * encryptString returned and never the plain text; it protects nothing.
 */
export const safeStorage = {
  isEncryptionAvailable: () => fakeControl.encryptionAvailable,
  getSelectedStorageBackend: () => fakeControl.storageBackend,
  encryptString: (s: string): Buffer => {
    if (!fakeControl.encryptionAvailable) throw new Error('fake safeStorage: encryption is not available');
    const body = Buffer.from(s, 'utf8').map((b) => b ^ fakeSealKey);
    return Buffer.concat([Buffer.from(FAKE_SEAL_MAGIC), body]);
  },
  decryptString: (b: Buffer): string => {
    if (!fakeControl.encryptionAvailable) throw new Error('fake safeStorage: encryption is not available');
    if (!b.subarray(0, FAKE_SEAL_MAGIC.length).equals(Buffer.from(FAKE_SEAL_MAGIC))) throw new Error('fake safeStorage: not sealed by this fake');
    return Buffer.from(b.subarray(FAKE_SEAL_MAGIC.length).map((x) => x ^ fakeSealKey)).toString('utf8');
  },
};

/** nativeTheme: light. */
export const nativeTheme = Object.assign(new EventEmitter(), { shouldUseDarkColors: false, themeSource: 'system' });

/** Menu: records the application menu. */
export const Menu = {
  applicationMenu: undefined as unknown,
  setApplicationMenu(menu: unknown): void {
    Menu.applicationMenu = menu;
  },
  buildFromTemplate: (template: unknown[]) => ({ template }),
};

/** contextBridge (preload side): records what the preload exposes. */
export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    contextBridge.exposed.set(key, api);
  },
};

/** ipcRenderer (preload side): records invokes; tests set `respond`. */
export const ipcRenderer = Object.assign(new EventEmitter(), {
  invocations: [] as Array<{ channel: string; args: unknown[] }>,
  respond: (async () => undefined) as (channel: string, args: unknown[]) => Promise<unknown>,
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    ipcRenderer.invocations.push({ channel, args });
    return ipcRenderer.respond(channel, args);
  },
});

/** Restores the fake to its initial state (handlers, windows, controls). The app's 'ready' stays fired. */
export function resetFakeElectron(): void {
  Object.assign(fakeControl, defaultControl());
  delete fakeControl.onLoad;
  delete fakeControl.onSend;
  delete fakeControl.exitCode;
  ipcMain.handlers.clear();
  ipcMain.removeAllListeners();
  for (const w of FakeBrowserWindow.windows) w.destroyed = true;
  FakeBrowserWindow.windows = [];
  session.defaultSession = new FakeSession();
  contextBridge.exposed.clear();
  ipcRenderer.invocations = [];
  ipcRenderer.removeAllListeners();
}

const electron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  ipcMain,
  session,
  dialog,
  shell,
  safeStorage,
  nativeTheme,
  Menu,
  contextBridge,
  ipcRenderer,
};

export { FakeBrowserWindow as BrowserWindow };
export default electron;
