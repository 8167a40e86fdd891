// SSH: a terminal logged in to the VM over SSH (the main process runs the system ssh with the VM's key and its own
// known_hosts, as `vmdesk ssh` does), in the same terminal as the Console. Leaving the tab ends the session; the
// VM stopping ends it too. Why it could not connect or ended is said above the terminal, with Retry.
import { useRef, useState } from 'react';
import type { Terminal } from '@xterm/xterm';
import type { VmInfo } from '../../../../shared/vm';
import { api, call } from '../../api';
import { base64ToBytes } from '../../lib/base64';
import { copyText } from '../../lib/clipboard';
import { XtermTerminal, terminalText } from '../../components/XtermTerminal';
import { sshTabStatus, type SshStatus } from '../../lib/ssh-status';

/** The SSH tab. */
export function SshTab({ vm }: { vm: VmInfo }) {
  const termRef = useRef<Terminal | null>(null);
  const [status, setStatus] = useState<SshStatus>({ kind: 'connecting' });
  const [attempt, setAttempt] = useState(0);
  const [copied, setCopied] = useState('');
  const blocked = sshTabStatus(vm);
  const target = vm.ssh?.port ? `${vm.ssh.user}@${vm.ssh.host}:${vm.ssh.port}` : undefined;

  const attach = (term: Terminal) => {
    const name = vm.name;
    let session: number | undefined;
    let closed = false;
    // Events can arrive before sshOpen resolves: hold them until the session is known.
    const early: Array<() => void> = [];
    const offData = api().on('sshData', (p) => {
      if (p.name !== name) return;
      const apply = () => {
        if (p.session !== session) return;
        term.write(base64ToBytes(p.data));
        setStatus((s) => (s.kind === 'connecting' ? { kind: 'open' } : s));
      };
      if (session === undefined) early.push(apply);
      else apply();
    });
    const offExit = api().on('sshExit', (p) => {
      if (p.name !== name) return;
      const apply = () => {
        if (p.session !== session) return;
        session = undefined;
        setStatus({ kind: 'ended', message: p.message, retry: p.retry });
        term.write(`\r\n\x1b[2m[${p.message}]\x1b[0m\r\n`);
      };
      if (session === undefined) early.push(apply);
      else apply();
    });
    const input = term.onData((data) => {
      if (session === undefined) return;
      void call((a) => a.sshWrite({ session: session!, data }));
    });
    const resize = term.onResize(({ cols, rows }) => {
      if (session !== undefined) void call((a) => a.sshResize({ session: session!, cols, rows }));
    });
    setStatus({ kind: 'connecting' });
    const opened = { cols: Math.max(2, term.cols), rows: Math.max(2, term.rows) };
    void call((a) => a.sshOpen({ name, ...opened })).then((r) => {
      if (!r.ok) {
        setStatus({ kind: 'ended', message: r.error.message, retry: r.error.code !== 'VM_NOT_RUNNING' });
        return;
      }
      if (closed) {
        void call((a) => a.sshClose({ session: r.value.session }));
        return;
      }
      session = r.value.session;
      for (const f of early.splice(0)) f();
      // Resized while connecting (the notice above the terminal went away): the remote pty follows.
      if (term.cols !== opened.cols || term.rows !== opened.rows) void call((a) => a.sshResize({ session: session!, cols: term.cols, rows: term.rows }));
    });
    return () => {
      closed = true;
      offData();
      offExit();
      input.dispose();
      resize.dispose();
      if (session !== undefined) void call((a) => a.sshClose({ session: session! }));
    };
  };

  const copyAll = async () => {
    const term = termRef.current;
    if (!term) return;
    const text = term.getSelection() || terminalText(term);
    setCopied((await copyText(text)) ? 'Copied' : 'Copy failed');
    setTimeout(() => setCopied(''), 1500);
  };

  if (blocked) {
    return (
      <div className="console-tab">
        <div className="empty-card" data-testid="ssh-blocked" role="status">
          <h2>SSH</h2>
          <p>{blocked}</p>
        </div>
      </div>
    );
  }
  return (
    <div className="console-tab">
      <div className="toolbar">
        <span className="muted small" data-testid="ssh-status">
          {status.kind === 'connecting'
            ? `Connecting to ${target ?? vm.name} with the VM's key…`
            : status.kind === 'open'
              ? `SSH to ${target ?? vm.name}: leaving this tab ends the session. Ctrl+Shift+C copies the selection.`
              : 'The SSH session is not open.'}
        </span>
        <span className="toolbar-spacer" />
        {copied && <span className="muted small">{copied}</span>}
        <button type="button" className="btn btn-small" onClick={() => void copyAll()}>
          Copy
        </button>
        {status.kind !== 'ended' && (
          <button type="button" className="btn btn-small" onClick={() => setAttempt((n) => n + 1)} data-testid="ssh-reconnect">
            Reconnect
          </button>
        )}
      </div>
      {status.kind === 'ended' && (
        <div className="inline-error" role="alert" data-testid="ssh-error">
          {status.message}{' '}
          {status.retry && (
            <button type="button" className="btn btn-small" onClick={() => setAttempt((n) => n + 1)} data-testid="ssh-retry">
              Retry
            </button>
          )}
        </div>
      )}
      <XtermTerminal key={`${vm.name}:${attempt}`} attach={attach} termRef={termRef} testId="ssh-terminal" />
    </div>
  );
}
