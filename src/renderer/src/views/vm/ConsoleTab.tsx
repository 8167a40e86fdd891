// Console: the VM's live serial console in xterm.js, with input, scrollback and copy.
import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import type { VmInfo } from '../../../../shared/vm';
import type { ErrorData } from '../../../../shared/errors';
import { api, call } from '../../api';
import { base64ToBytes } from '../../lib/base64';
import { skippedNotice } from '../../lib/console-notice';
import { copyText } from '../../lib/clipboard';
import { hintFor } from '../../lib/error-hints';
import { isActive } from '../../stores/vms';
import { consoleKeyOwner } from '../../lib/shortcuts';

/** Lines the terminal keeps above the screen. */
export const CONSOLE_SCROLLBACK = 10_000;

function terminalTheme(): { background: string; foreground: string; cursor: string; selectionBackground: string } {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return { background: v('--term-bg'), foreground: v('--term-fg'), cursor: v('--term-fg'), selectionBackground: v('--term-selection') };
}

/** Bytes of the console log's tail shown for a VM that is not running. */
export const CONSOLE_TAIL_BYTES = 64 * 1024;

async function showConsoleTail(name: string, write: (text: string) => void, onError: (e: ErrorData) => void): Promise<void> {
  const head = await call((a) => a.readLog({ name, stream: 'console', offset: 0, limit: 1 }));
  if (!head.ok) return onError(head.error);
  const offset = Math.max(0, head.value.size - CONSOLE_TAIL_BYTES);
  const tail = await call((a) => a.readLog({ name, stream: 'console', offset, limit: CONSOLE_TAIL_BYTES }));
  if (!tail.ok) return onError(tail.error);
  // The log holds raw terminal output; xterm wants CRLF to start a line at column 0.
  write(tail.value.text.replace(/\r?\n/g, '\r\n'));
}

/** The Console tab. */
export function ConsoleTab({ vm }: { vm: VmInfo }) {
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const [error, setError] = useState<ErrorData | undefined>();
  const [copied, setCopied] = useState('');
  const active = isActive(vm);
  // The terminal is rebuilt when the VM starts or stops: a fresh boot gets a fresh screen.
  const live = active;

  useEffect(() => {
    const term = new Terminal({
      scrollback: CONSOLE_SCROLLBACK,
      convertEol: false,
      cursorBlink: true,
      fontFamily: 'DejaVu Sans Mono, Menlo, Consolas, monospace',
      fontSize: 13,
      theme: terminalTheme(),
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current!);
    termRef.current = term;
    // The app's keys (Ctrl+Shift+…, Ctrl+1…5, F1, Ctrl+] to leave) bubble to the app's handler; everything
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

    const name = vm.name;
    const off = api().on('consoleData', (p) => {
      if (p.name !== name) return;
      if (p.dropped) term.write(skippedNotice(p.dropped));
      term.write(base64ToBytes(p.data));
    });
    const input = term.onData((data) => {
      if (!live) return; // nothing to type into
      void call((a) => a.consoleWrite({ name, data })).then((r) => {
        if (!r.ok) setError(r.error);
      });
    });
    setError(undefined);
    if (live) {
      void call((a) => a.consoleSubscribe({ name })).then((r) => {
        if (!r.ok) setError(r.error);
      });
    } else {
      // Not running: show the end of what the console printed last (QEMU's own console log).
      void showConsoleTail(name, (bytes) => term.write(bytes), setError);
    }
    term.focus();
    return () => {
      off();
      input.dispose();
      resize.disconnect();
      if (live) void call((a) => a.consoleUnsubscribe({ name }));
      term.dispose();
      termRef.current = null;
    };
  }, [vm.name, live]);

  const copy = async (what: 'selection' | 'all') => {
    const term = termRef.current;
    if (!term) return;
    let text = term.getSelection();
    if (what === 'all' || text === '') {
      const buf = term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
      text = lines.join('\n').replace(/\n+$/, '\n');
    }
    setCopied((await copyText(text)) ? (what === 'all' ? 'Copied everything' : 'Copied') : 'Copy failed');
    setTimeout(() => setCopied(''), 1500);
  };

  return (
    <div className="console-tab">
      <div className="toolbar">
        <span className="muted small">
          {active
            ? 'Live serial console: type to send input to the guest. Ctrl+Shift+C copies the selection; Ctrl+] leaves the console.'
            : vm.lastExit
              ? 'The VM is not running: this is what its console printed last.'
              : 'The VM has not run yet: its console appears here once it starts.'}
        </span>
        <span className="toolbar-spacer" />
        {copied && <span className="muted small">{copied}</span>}
        <button type="button" className="btn btn-small" onClick={() => void copy('selection')}>
          Copy selection
        </button>
        <button type="button" className="btn btn-small" onClick={() => void copy('all')}>
          Copy all
        </button>
        <button type="button" className="btn btn-small" onClick={() => termRef.current?.clear()}>
          Clear
        </button>
      </div>
      {error && (
        <div className="inline-error" role="alert">
          {error.message} {hintFor(error)}
        </div>
      )}
      <div className="terminal-host" ref={host} data-testid="terminal" />
    </div>
  );
}
