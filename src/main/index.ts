// The Electron main process: a table of contents of setup steps.
import { app } from 'electron';
import { createMainWindow } from './window/main-window';
import { pageLocation } from './window/page-location';

// The bundle is ESM (package.json "type": "module"): no __dirname; out/main is import.meta.dirname.
const page = pageLocation(import.meta.dirname, process.env, app.isPackaged);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(() => createMainWindow(page, () => {}));
}
