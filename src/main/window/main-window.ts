// Creates the one vmdesk window with its security settings and loads the renderer.
import { BrowserWindow, session } from 'electron';
import type { PageLocation } from './page-location';
import { hardenSession, hardenWebContents, secureWebPreferences } from './security';

/** Creates and loads the main window; `onExternalLink` gets every URL the page tries to open. */
export async function createMainWindow(
  page: PageLocation,
  onExternalLink: (url: string) => void,
): Promise<BrowserWindow> {
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
  if (page.file) await win.loadFile(page.file);
  else await win.loadURL(page.url);
  if (page.dev) win.webContents.openDevTools({ mode: 'detach' });
  return win;
}
