// The Electron main process: a table of contents of setup steps.
//   1. single-instance lock        2. settings store (electron-store, $VMDESK_HOME/settings.json)
//   3. supervisor + recover()      4. app services (what each IPC channel does)
//   5. IPC (sender gate, schemas)  6. window (sandboxed, CSP, no navigation)   7. quit flow
import { app, BrowserWindow, dialog, ipcMain, safeStorage, shell } from 'electron';
import { createAppServices, type AppServices } from './app/services';
import { createElectronSettingsStore } from './app/electron-settings-store';
import { isForwardedPortUrl } from './app/forwarded-port';
import type { SettingsStore } from './app/settings-store';
import { safeStorageVault } from './app/token-vault';
import { setupIpc } from './ipc/setup';
import { vmdeskHome } from './store/paths';
import { createSupervisor } from './supervisor/supervisor';
import { defaultPlanner } from './supervisor/default-planner';
import type { SupervisorApi } from './supervisor/api';
import { createMainWindow, loadPage } from './window/main-window';
import { pageLocation } from './window/page-location';
import { setupQuitFlow } from './window/quit-flow';

// The bundle is ESM (package.json "type": "module"): no __dirname; out/main is import.meta.dirname.
const page = pageLocation(import.meta.dirname, process.env, app.isPackaged);
let mainWindow: BrowserWindow | undefined;
const log = (line: string) => process.stderr.write(`vmdesk: ${line}\n`);

if (setupSingleInstance()) {
  void app
    .whenReady()
    .then(start)
    .catch((err: Error) => {
      dialog.showErrorBox('vmdesk could not start', err.message);
      app.exit(1);
    });
}

async function start(): Promise<void> {
  const home = vmdeskHome();
  const settings = setupSettings(home);
  const supervisor = await setupSupervisor(home, settings);
  const services = setupServices(home, settings, supervisor);
  const disposeIpc = setupIpc({ ipcMain, services, window: () => mainWindow, pageUrl: page.url, log });
  mainWindow = setupWindow(services);
  setupQuitFlow({
    services,
    settings,
    window: () => mainWindow,
    log,
    shutdown: async () => {
      disposeIpc();
      services.close();
      await supervisor.close();
    },
  });
  await loadPage(mainWindow, page);
}

/** One vmdesk per user session: a second launch focuses the first window. */
function setupSingleInstance(): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  return true;
}

/** settings.json in $VMDESK_HOME, shared with the CLI (key `driver`). */
function setupSettings(home: string): SettingsStore {
  return createElectronSettingsStore(home);
}

/** The supervisor, re-attached to the VMs that kept running while the app was closed. */
async function setupSupervisor(home: string, settings: SettingsStore): Promise<SupervisorApi> {
  const supervisor = createSupervisor({ home, driverConfig: () => settings.get().driver, planner: defaultPlanner });
  await supervisor.recover();
  return supervisor;
}

/** What each IPC channel does, with the native file dialogs, the system browser and safeStorage injected. */
function setupServices(home: string, settings: SettingsStore, supervisor: SupervisorApi): AppServices {
  return createAppServices({
    home,
    settings,
    supervisor,
    async showOpenImageDialog() {
      const options = {
        title: 'Choose a VM image',
        properties: ['openFile' as const],
        filters: [
          { name: 'Disk images', extensions: ['qcow2', 'img', 'raw', 'vdi', 'vhd', 'vhdx', 'vpc'] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
      const r = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async showOpenJobDialog() {
      const options = {
        title: 'Choose a Nomad job file',
        properties: ['openFile' as const],
        filters: [
          { name: 'Nomad jobs', extensions: ['nomad', 'hcl', 'json'] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
      const r = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async showSaveDialog(defaultName, title) {
      const options = { title: title ?? 'Save the Nomad job', defaultPath: defaultName };
      const r = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async confirmAllowFolder(dir) {
      const options = {
        type: 'question' as const,
        title: 'Allow an image folder',
        message: `Let VMs use images in ${dir}?`,
        detail: `vmdesk runs only images in a VM's own folder and in the image folders of Settings (image_paths). Allowing adds ${dir} there; you can remove it in Settings.`,
        buttons: ['Allow this folder', 'Cancel'],
        defaultId: 0,
        cancelId: 1,
      };
      const r = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options);
      return r.response === 0;
    },
    openExternal: (url) => shell.openExternal(url),
    // The Nomad token is sealed by the OS keyring (safeStorage) or not saved at all.
    tokenVault: safeStorageVault(safeStorage),
  });
}

/** The window; links the page opens go to the system browser only when they are a running VM's forwarded port. */
function setupWindow(services: AppServices): BrowserWindow {
  return createMainWindow(page, (url) => {
    if (isForwardedPortUrl(url, services.knownVms())) void shell.openExternal(url);
    else log(`blocked opening ${url}: not a forwarded port of a running VM`);
  });
}
