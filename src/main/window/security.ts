// The window's security settings, following Electron's security checklist
// (https://www.electronjs.org/docs/latest/tutorial/security): isolation, sandbox, no Node in the page, a strict
// CSP, no navigation, no new windows, no permissions, devtools only in development.
import type { Session, WebContents, WebPreferences } from 'electron';
import { isOurPageUrl } from '../ipc/sender-gate';

/**
 * The Content-Security-Policy of the renderer (checklist item 7). The same policy is in the meta tag of
 * src/renderer/index.html (a test keeps them equal) and is added as a response header for http(s) loads.
 * 'unsafe-inline' styles: xterm.js and React set inline style attributes. connect-src: WebSockets to loopback
 * only (the Display tab's VNC bridge, src/main/display/vnc-bridge.ts, which also demands a one-use token).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src ws://127.0.0.1:*; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** webPreferences of our window (checklist items 2, 3, 4, 6, 10, 11). Pure. */
export function secureWebPreferences(preload: string, devTools: boolean): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools,
  };
}

/** Denies every permission request and check (checklist item 5), and sets the CSP header on responses. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}

/**
 * Blocks navigation away from our page and every new window (checklist items 13, 14). A link to a
 * forwarded port (target=_blank or window.open) is handed to `onExternalLink`, which checks it before
 * opening the system browser.
 */
export function hardenWebContents(
  contents: WebContents,
  opts: { pageUrl: () => string | undefined; onExternalLink: (url: string) => void },
): void {
  contents.setWindowOpenHandler(({ url }) => {
    opts.onExternalLink(url);
    return { action: 'deny' };
  });
  const keepOnOurPage = (event: { preventDefault(): void }, url: string) => {
    if (!isOurPageUrl(url, opts.pageUrl())) event.preventDefault();
  };
  contents.on('will-navigate', keepOnOurPage);
  contents.on('will-redirect', keepOnOurPage);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
