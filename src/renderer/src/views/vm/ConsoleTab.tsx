// Console: the VM's live serial console in xterm.js, with input, scrollback and copy.
import { useRef, useState } from 'react';
import type { Terminal } from '@xterm/xterm';
import { TERMINAL_SCROLLBACK, XtermTerminal, terminalText } from '../../components/XtermTerminal';
import type { VmInfo } from '../../../../shared/vm';
import type { ErrorData } from '../../../../shared/errors';
import { api, call } from '../../api';
import { base64ToBytes } from '../../lib/base64';
import { skippedNotice } from '../../lib/console-notice';
import { copyText } from '../../lib/clipboard';
import { hintFor } from '../../lib/error-hints';
import { isActive } from '../../stores/vms';

/** Lines the terminal keeps above the screen. */
export const CONSOLE_SCROLLBACK = TERMINAL_SCROLLBACK;

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
  const termRef = useRef<Terminal | null>(null);
  const [error, setError] = useState<ErrorData | undefined>();
  const [copied, setCopied] = useState('');
  const active = isActive(vm);
  const live = active;

  const attach = (term: Terminal) => {
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
    return () => {
      off();
      input.dispose();
      if (live) void call((a) => a.consoleUnsubscribe({ name }));
    };
  };

  const copy = async (what: 'selection' | 'all') => {
    const term = termRef.current;
    if (!term) return;
    let text = term.getSelection();
    if (what === 'all' || text === '') text = terminalText(term);
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
      {/* The terminal is rebuilt when the VM starts or stops: a fresh boot gets a fresh screen. */}
      <XtermTerminal key={`${vm.name}:${live}`} attach={attach} termRef={termRef} />
    </div>
  );
}
