// The sender gate: an IPC call is served only when it comes from our window's main frame showing our page.
// Electron's security checklist, item 17 ("Validate the sender of all IPC messages"): a subframe, another
// window or a page that navigated elsewhere must not reach the handlers.
import type { ErrorData } from '../../shared/errors';

/** What we know about the sender of one IPC message. */
export interface SenderFacts {
  /** webContents id of the sender. */
  webContentsId: number;
  /** URL of the frame that sent it (undefined when the frame is gone). */
  frameUrl: string | undefined;
  /** True when the sending frame is the top-level frame of its webContents. */
  isMainFrame: boolean;
}

/** Who may call: our window's webContents and the URL of our page. */
export interface TrustedSender {
  /** Current webContents id of our window, undefined before it exists or after it closed. */
  webContentsId(): number | undefined;
  /** The page URL our window loads (`file:///.../out/renderer/index.html`, or the dev server URL). */
  pageUrl(): string | undefined;
}

/**
 * True when `url` is our page: same scheme and host, and for file: URLs the same path (query and hash ignored).
 * For a dev server (http://localhost:5173/), any path on that origin is the renderer's.
 */
export function isOurPageUrl(url: string | undefined, pageUrl: string | undefined): boolean {
  if (!url || !pageUrl) return false;
  let actual: URL;
  let expected: URL;
  try {
    actual = new URL(url);
    expected = new URL(pageUrl);
  } catch {
    return false;
  }
  if (actual.protocol !== expected.protocol) return false;
  if (expected.protocol === 'file:') return actual.host === expected.host && actual.pathname === expected.pathname;
  if (expected.protocol === 'http:' || expected.protocol === 'https:') return actual.origin === expected.origin;
  return false;
}

/** Decides whether a sender may call; returns the FORBIDDEN_SENDER error when not. Pure. */
export function checkSender(facts: SenderFacts, trusted: TrustedSender): ErrorData | undefined {
  const id = trusted.webContentsId();
  if (id === undefined || facts.webContentsId !== id) {
    return { code: 'FORBIDDEN_SENDER', message: 'IPC refused: the call did not come from the vmdesk window' };
  }
  if (!facts.isMainFrame) {
    return { code: 'FORBIDDEN_SENDER', message: 'IPC refused: the call came from a subframe, not the vmdesk page' };
  }
  if (!isOurPageUrl(facts.frameUrl, trusted.pageUrl())) {
    return { code: 'FORBIDDEN_SENDER', message: `IPC refused: the sending page (${facts.frameUrl ?? 'unknown'}) is not the vmdesk page` };
  }
  return undefined;
}
