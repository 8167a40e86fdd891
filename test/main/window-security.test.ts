// Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), item by item,
// against the real createMainWindow with the FAKE electron module (the Electron binary cannot run here):
// the options the window is created with, the session's permission handlers and CSP header, navigation and
// window-open blocking. The fuses are checked in test/unit/packaging.test.ts; the sender gate in
// test/main/ipc-hostile.test.ts. Each `it` names the checklist item it proves.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMainWindow, loadPage } from '../../src/main/window/main-window';
import { CONTENT_SECURITY_POLICY } from '../../src/main/window/security';
import { FakeBrowserWindow, resetFakeElectron, session } from '../helpers/fake-electron';

const page = { url: 'file:///opt/vmdesk/out/renderer/index.html', file: '/opt/vmdesk/out/renderer/index.html', preload: '/opt/vmdesk/out/preload/index.cjs', dev: false };
let win: FakeBrowserWindow;
let external: string[];

beforeEach(async () => {
  resetFakeElectron();
  external = [];
  win = (await createMainWindow(page, (url) => external.push(url))) as unknown as FakeBrowserWindow;
});

describe('Electron security checklist', () => {
  it('2. no Node.js integration for remote content: nodeIntegration, in workers and subframes, all false', () => {
    expect(win.options.webPreferences).toMatchObject({ nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false });
  });
  it('3. context isolation on; 4. process sandboxing on; preload is ours', () => {
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, preload: page.preload });
  });
  it('5. every permission request and check is denied', async () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb']) {
      expect(await session.defaultSession.requestPermission(p)).toBe(false);
      expect(session.defaultSession.permissionCheckHandler!({}, p, 'file://', {})).toBe(false);
    }
  });
  it('6. webSecurity stays on; 8. allowRunningInsecureContent off; 9. experimental features off', () => {
    expect(win.options.webPreferences).toMatchObject({ webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false });
  });
  it('7. a CSP: the meta tag of the page equals the policy, and responses get it as a header', async () => {
    const html = readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self';/);
    // The one wildcard allowed: the port of a loopback WebSocket (the Display tab's VNC bridge picks a free
    // port and demands a one-use token); no other origin, no other scheme.
    expect(CONTENT_SECURITY_POLICY.replace("connect-src ws://127.0.0.1:*;", "connect-src 'none';")).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/connect-src ws:\/\/127\.0\.0\.1:\*;/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/object-src 'none'.*base-uri 'none'.*frame-ancestors 'none'/);
    const headers = await session.defaultSession.applyHeaders('http://localhost:5173/', { 'X-Other': ['1'] });
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
  it('10. no <webview>: webviewTag off and will-attach-webview prevented', () => {
    expect(win.options.webPreferences).toMatchObject({ webviewTag: false });
    expect(win.webContents.simulateNavigation('file:///x', 'will-attach-webview')).toBe(false);
  });
  it('13. navigation away from our page is blocked (will-navigate and will-redirect); our own page is allowed', () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'file:///opt/vmdesk/out/renderer/other.html', 'javascript:alert(1)', 'data:text/html,x', 'http://127.0.0.1:8080/']) {
      expect({ url, allowed: win.webContents.simulateNavigation(url) }).toEqual({ url, allowed: false });
      expect({ url, allowed: win.webContents.simulateNavigation(url, 'will-redirect') }).toEqual({ url, allowed: false });
    }
    expect(win.webContents.simulateNavigation(`${page.url}#/vm/web`)).toBe(true);
    expect(navigateOnDragDrop()).toBe(false);
  });
  it('14. every new window is denied; the URL goes to the checked external-link handler (never opened here)', () => {
    for (const url of ['https://evil.example/', 'http://127.0.0.1:8080/', 'file:///etc/passwd']) {
      expect(win.webContents.simulateWindowOpen(url)).toEqual({ action: 'deny' });
    }
    expect(external).toEqual(['https://evil.example/', 'http://127.0.0.1:8080/', 'file:///etc/passwd']);
  });
  it('devtools only in development; safe dialogs; the window shows only when ready', () => {
    expect(win.options.webPreferences).toMatchObject({ devTools: false, safeDialogs: true });
    expect(win.webContents.devToolsOpened).toBe(false);
    expect(win.options.show).toBe(false);
  });
  it('loads our page from a file (no remote content), not a URL; no devtools outside development', async () => {
    await loadPage(win as never, page);
    expect(win.loadedFile).toBe(page.file);
    expect(win.loadedUrl).toBe(page.url);
    expect(win.webContents.devToolsOpened).toBe(false);
  });
});

function navigateOnDragDrop(): unknown {
  return win.options.webPreferences?.navigateOnDragDrop;
}
