// Creates the one vmdesk window with its security settings, and loads the renderer into it.
import { BrowserWindow, session } from 'electron';
import type { PageLocation } from './page-location';
import { hardenSession, hardenWebContents, secureWebPreferences } from './security';

/** Creates the main window (not loaded yet: register IPC first); `onExternalLink` gets URLs the page tries to open. */
export function createMainWindow(page: PageLocation, onExternalLink: (url: string) => void): BrowserWindow {
  hardenSession(session.defaultSession);
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'vmdesk',
    webPreferences: secureWebPreferences(page.preload, page.dev),
  });
  hardenWebContents(win.webContents, { pageUrl: () => page.url, onExternalLink });
  win.once('ready-to-show', () => win.show());
  return win;
}

/** Loads the renderer page (the built file, or the dev server in development). */
export async function loadPage(win: BrowserWindow, page: PageLocation): Promise<void> {
  if (page.file) await win.loadFile(page.file);
  else await win.loadURL(page.url);
  if (page.dev) win.webContents.openDevTools({ mode: 'detach' });
}
