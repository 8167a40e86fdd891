// The sender gate: only our window's main frame, showing our page, may call.
import { describe, expect, it } from 'vitest';
import { checkSender, isOurPageUrl } from '../../src/main/ipc/sender-gate';

const page = 'file:///opt/vmdesk/resources/app.asar/out/renderer/index.html';
const trusted = { webContentsId: () => 7, pageUrl: () => page };

describe('isOurPageUrl', () => {
  it.each([
    [page, true],
    [`${page}#/vms/web`, true],
    [`${page}?x=1`, true],
    ['file:///opt/vmdesk/resources/app.asar/out/renderer/other.html', false],
    ['file:///etc/passwd', false],
    ['http://127.0.0.1:8080/', false],
    ['about:blank', false],
    ['not a url', false],
  ])('%s -> %s', (url, ok) => expect(isOurPageUrl(url, page)).toBe(ok));

  it('accepts any path on the dev server origin, nothing else', () => {
    expect(isOurPageUrl('http://localhost:5173/index.html', 'http://localhost:5173/')).toBe(true);
    expect(isOurPageUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isOurPageUrl('https://localhost:5173/', 'http://localhost:5173/')).toBe(false);
  });
});

describe('checkSender', () => {
  it('lets our main frame through', () => {
    expect(checkSender({ webContentsId: 7, frameUrl: page, isMainFrame: true }, trusted)).toBeUndefined();
  });
  it.each([
    ['another webContents', { webContentsId: 8, frameUrl: page, isMainFrame: true }, /did not come from the vmdesk window/],
    ['a subframe', { webContentsId: 7, frameUrl: page, isMainFrame: false }, /subframe/],
    ['a page that navigated away', { webContentsId: 7, frameUrl: 'https://evil.example/', isMainFrame: true }, /is not the vmdesk page/],
    ['a destroyed frame', { webContentsId: 7, frameUrl: undefined, isMainFrame: false }, /subframe/],
  ])('refuses %s', (_label, facts, message) => {
    const r = checkSender(facts, trusted);
    expect(r?.code).toBe('FORBIDDEN_SENDER');
    expect(r?.message).toMatch(message);
  });
  it('refuses everything while there is no window', () => {
    const none = { webContentsId: () => undefined, pageUrl: () => page };
    expect(checkSender({ webContentsId: 7, frameUrl: page, isMainFrame: true }, none)?.code).toBe('FORBIDDEN_SENDER');
  });
});
