// The app's SSH terminal (issue #13): the system's OpenSSH client on a running VM, as `vmdesk ssh` runs it (the
// same argv builder: the per-VM key, the VM's own known_hosts), with `-tt` for a remote pty. Its output streams
// to the renderer (`sshData`, base64), keystrokes come back (`sshWrite`), the window's size becomes the remote
// pty's (ssh-terminal-plan.ts). Ending: `sshClose` (the tab closed), the VM leaving running/paused, the app
// closing; then `sshExit` says why, and whether a retry may help. Spread into services.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { VmdeskError } from '../../shared/errors';
import type { EventContract } from '../../shared/ipc-contract';
import type { VmInfo } from '../../shared/vm';
import type { Handlers } from '../ipc/dispatch';
import type { SupervisorApi } from '../supervisor/api';
import { explainSshExit, remoteLoginCommand, remoteResizeCommand, sshTerminalArgv, takeTtyName, type TerminalSize } from '../ssh/ssh-terminal-plan';

type SshHandlers = Pick<Handlers, 'sshOpen' | 'sshWrite' | 'sshResize' | 'sshClose'>;

/** Most terminals open at once (each is one ssh process). */
export const MAX_SSH_SESSIONS = 16;
/** Bytes of ssh's own stderr kept for the exit message. */
const STDERR_TAIL = 4096;
/** How long a resize waits for more resizes before it is sent (one ssh per burst of window drags). */
const RESIZE_DEBOUNCE_MS = 400;

interface Session {
  id: number;
  name: string;
  child: ChildProcess;
  stderr: string;
  /** The remote pty, once the login command named it. */
  tty?: string;
  /** Output before the tty name was seen (it may be split across chunks). */
  head: string;
  size: TerminalSize;
  /** The size the login command gave the remote pty. */
  loginSize: TerminalSize;
  resizeTimer?: ReturnType<typeof setTimeout>;
  /** Why the app ended it, when it did. */
  endedBecause?: string;
}

/** The SSH terminal handlers, and `close` for the app's end (kills every ssh). */
export function createSshTerminal(deps: {
  supervisor: SupervisorApi;
  /** The VM as the app knows it (defined or supervised). */
  inspect(name: string): Promise<VmInfo>;
  emit<E extends 'sshData' | 'sshExit'>(event: E, payload: EventContract[E]): void;
  /** The ssh binary (default `ssh` on PATH). */
  ssh?: string;
}): { handlers: SshHandlers; close(): void } {
  const sessions = new Map<number, Session>();
  let nextId = 1;

  const end = (s: Session, why: string) => {
    s.endedBecause ??= why;
    if (s.resizeTimer) clearTimeout(s.resizeTimer);
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  };

  // The VM stopping ends its terminals (ssh would otherwise wait for its ConnectTimeout / keepalives).
  const offVm = deps.supervisor.on('vm', (info) => {
    if (info.state === 'running' || info.state === 'paused') return;
    for (const s of sessions.values()) if (s.name === info.name) end(s, `The VM stopped (state ${info.state}); the SSH session ended. Start it again to log in.`);
  });

  function session(id: number): Session {
    const s = sessions.get(id);
    if (!s) throw new VmdeskError('BAD_REQUEST', `SSH session ${id} has ended; open the SSH terminal again`);
    return s;
  }

  function sendResize(s: Session): void {
    if (!s.tty || !sessions.has(s.id)) return;
    const info = deps.inspect(s.name);
    void info
      .then((vm) => {
        const argv = sshTerminalArgv(vm, remoteResizeCommand(s.tty!, s.size), { tty: false });
        const child = spawn(deps.ssh ?? 'ssh', argv, { stdio: 'ignore' });
        child.on('error', () => undefined);
      })
      .catch(() => undefined);
  }

  const handlers: SshHandlers = {
    async sshOpen({ name, cols, rows }) {
      if (sessions.size >= MAX_SSH_SESSIONS) throw new VmdeskError('BAD_REQUEST', `${MAX_SSH_SESSIONS} SSH terminals are open; close one first`);
      const info = await deps.inspect(name);
      const size = { cols, rows };
      const argv = sshTerminalArgv(info, remoteLoginCommand(size));
      const child = spawn(deps.ssh ?? 'ssh', argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm-256color' } });
      const s: Session = { id: nextId++, name, child, stderr: '', head: '', size, loginSize: size };
      sessions.set(s.id, s);
      const send = (bytes: Buffer) => {
        if (bytes.length > 0) deps.emit('sshData', { session: s.id, name, data: bytes.toString('base64') });
      };
      child.stdout!.on('data', (chunk: Buffer) => {
        if (s.tty !== undefined) return send(chunk);
        // Until the login command has named the pty, hold the text back (at most 64 KiB) to strip that sequence.
        s.head += chunk.toString('latin1');
        const taken = takeTtyName(s.head);
        if (taken.tty !== undefined || s.head.length > 65536) {
          s.tty = taken.tty ?? '';
          s.head = '';
          send(Buffer.from(taken.text, 'latin1'));
          // Resized while logging in: the pty still has the login size.
          if (s.size.cols !== s.loginSize.cols || s.size.rows !== s.loginSize.rows) sendResize(s);
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        s.stderr = (s.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
      });
      child.stdin!.on('error', () => undefined); // writes after ssh ended: its exit says why
      let spawnError: NodeJS.ErrnoException | undefined;
      child.on('error', (e: NodeJS.ErrnoException) => {
        spawnError = e;
      });
      child.on('close', (code) => {
        sessions.delete(s.id);
        if (s.resizeTimer) clearTimeout(s.resizeTimer);
        if (s.head) send(Buffer.from(s.head, 'latin1'));
        void (async () => {
          const vm = await deps.inspect(name).catch(() => undefined);
          const why =
            spawnError?.code === 'ENOENT'
              ? { message: 'ssh was not found on PATH; install openssh-client (sudo apt-get install openssh-client) and retry', retry: true }
              : s.endedBecause
                ? { message: s.endedBecause, retry: false }
                : explainSshExit(code, s.stderr, vm?.state);
          deps.emit('sshExit', { session: s.id, name, code, ...why });
        })();
      });
      return { session: s.id };
    },

    async sshWrite({ session: id, data }) {
      const s = session(id);
      s.child.stdin!.write(data);
    },

    async sshResize({ session: id, cols, rows }) {
      const s = session(id);
      if (s.size.cols === cols && s.size.rows === rows) return;
      s.size = { cols, rows };
      if (s.resizeTimer) clearTimeout(s.resizeTimer);
      s.resizeTimer = setTimeout(() => sendResize(s), RESIZE_DEBOUNCE_MS);
    },

    async sshClose({ session: id }) {
      const s = sessions.get(id);
      if (s) end(s, 'The SSH terminal was closed.');
    },
  };

  return {
    handlers,
    close() {
      offVm();
      for (const s of sessions.values()) end(s, 'vmdesk is closing.');
    },
  };
}
