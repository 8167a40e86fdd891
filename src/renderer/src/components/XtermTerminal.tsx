// The app's terminal: xterm.js fitted to its box, the app's theme and font, Ctrl+Shift+C to copy, the app's own
// keys left to the app. The Console tab (serial console) and the SSH tab (ssh -tt) both use it; what flows in
// and out is theirs (`attach`).
import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { copyText } from '../lib/clipboard';
import { consoleKeyOwner } from '../lib/shortcuts';

/** Lines the terminal keeps above the screen. */
export const TERMINAL_SCROLLBACK = 10_000;

function terminalTheme(): { background: string; foreground: string; cursor: string; selectionBackground: string } {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return { background: v('--term-bg'), foreground: v('--term-fg'), cursor: v('--term-fg'), selectionBackground: v('--term-selection') };
}

/**
 * An xterm.js terminal. `attach` runs once, after the terminal is open and fitted, and returns its cleanup;
 * give the component a `key` that changes when a fresh terminal is wanted (a new boot, a new session).
 */
export function XtermTerminal({ attach, termRef, testId = 'terminal' }: { attach(term: Terminal): () => void; termRef?: { current: Terminal | null }; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const term = new Terminal({
      scrollback: TERMINAL_SCROLLBACK,
      convertEol: false,
      cursorBlink: true,
      fontFamily: 'DejaVu Sans Mono, Menlo, Consolas, monospace',
      fontSize: 13,
      theme: terminalTheme(),
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current!);
    if (termRef) termRef.current = term;
    // The app's keys (Ctrl+Shift+…, Ctrl+1…8, F1, Ctrl+] to leave) bubble to the app's handler; everything
    // else goes to the guest.
    term.attachCustomKeyEventHandler((e) => {
      if (e.type === 'keydown' && e.ctrlKey && e.shiftKey && e.key.toLowerCase() === 'c') {
        void copyText(term.getSelection());
        return false;
      }
      return consoleKeyOwner(e) === 'guest';
    });
    const fitNow = () => {
      try {
        fit.fit();
      } catch {
        /* not laid out yet */
      }
    };
    fitNow();
    const resize = new ResizeObserver(fitNow);
    resize.observe(host.current!);
    const detach = attach(term);
    term.focus();
    return () => {
      detach();
      resize.disconnect();
      term.dispose();
      if (termRef) termRef.current = null;
    };
    // `attach` is read once: a new terminal comes with a new key.
  }, []);
  return <div className="terminal-host" ref={host} data-testid={testId} />;
}

/** The terminal's whole buffer (scrollback and screen) as text, trailing blank lines dropped to one newline. */
export function terminalText(term: Terminal): string {
  const buf = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
  return lines.join('\n').replace(/\n+$/, '\n');
}
