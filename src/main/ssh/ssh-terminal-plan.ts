// The app's SSH terminal, the parts that decide (pure): the ssh argv (the same builder as `vmdesk ssh`, with
// `-tt`), the remote login command that gives the remote pty the window's size and names its tty, the resize
// command, and what an ssh exit means for the user (retry or fix). No local pty exists here (Electron has none
// without a native module), so ssh cannot send SSH's window-change itself: the size is set on the remote pty
// with `stty` (at login, and on a resize through a second ssh on the same key), and the kernel signals the
// foreground program (SIGWINCH) as on any resize.
import { VmdeskError } from '../../shared/errors';
import type { VmInfo } from '../../shared/vm';
import { sshArgvForVm } from './run-ssh';

/** A terminal's size in character cells. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/** The OSC sequence number the login command uses to name its tty (not one xterm.js or any terminal defines). */
export const TTY_OSC = 6973;

/** The remote command of the terminal: size the pty, name it (an OSC the main process strips), then a login shell. Pure. */
export function remoteLoginCommand(size: TerminalSize): string {
  const { cols, rows } = checkedSize(size);
  return `stty cols ${cols} rows ${rows} 2>/dev/null; printf '\\033]${TTY_OSC};%s\\007' "$(tty)"; exec "\${SHELL:-/bin/sh}" -l`;
}

/** The remote command that resizes the terminal's pty `tty` (a /dev/pts path from the login command). Pure. */
export function remoteResizeCommand(tty: string, size: TerminalSize): string {
  if (!/^\/dev\/pts\/\d{1,6}$/.test(tty)) throw new VmdeskError('BAD_REQUEST', `not a remote pty path: ${JSON.stringify(tty)}`);
  const { cols, rows } = checkedSize(size);
  return `stty -F ${tty} cols ${cols} rows ${rows}`;
}

function checkedSize(size: TerminalSize): TerminalSize {
  const ok = (n: number, max: number) => Number.isInteger(n) && n >= 2 && n <= max;
  if (!ok(size.cols, 1000) || !ok(size.rows, 1000)) throw new VmdeskError('BAD_REQUEST', `terminal size ${size.cols}x${size.rows} is out of range (2 to 1000 each)`);
  return size;
}

/**
 * The argv after `ssh` for the terminal on VM `info`, or a VmdeskError saying what is missing and what to do:
 * not running first (a VM that never ran has no SSH access yet), then `vmdesk ssh`'s own refusals. Pure apart
 * from `keyExists`. `tty` (default true): `-tt`, for the terminal itself; false for the resize command.
 */
export function sshTerminalArgv(info: VmInfo, command: string, opts: { tty?: boolean; keyExists?: (file: string) => boolean } = {}): string[] {
  if (info.state !== 'running') {
    throw new VmdeskError('VM_NOT_RUNNING', `${info.name} is not running (state ${info.state}); start it, wait for cloud-init to finish, then open the SSH terminal`);
  }
  return sshArgvForVm(info, [command], opts.keyExists, { forceTty: opts.tty ?? true, batch: true });
}

/** The remote tty the login command named in `text`, and the text without that sequence. Pure. */
export function takeTtyName(text: string): { tty?: string; text: string } {
  const re = new RegExp(`\\u001b\\]${TTY_OSC};([^\\u0007\\u001b]*)\\u0007`);
  const m = re.exec(text);
  if (!m) return { text };
  return { tty: m[1]!.trim(), text: text.slice(0, m.index) + text.slice(m.index + m[0].length) };
}

/** What an ended ssh means for the user: a message, and whether trying again may help (sshd not up yet). Pure. */
export function explainSshExit(code: number | null, stderr: string, vmState: VmInfo['state'] | undefined): { message: string; retry: boolean } {
  if (vmState !== undefined && vmState !== 'running' && vmState !== 'paused') {
    return { message: `The VM stopped (state ${vmState}); the SSH session ended. Start it again to log in.`, retry: false };
  }
  const err = stderr.trim();
  if (code === 0) return { message: 'The SSH session ended (the remote shell exited).', retry: true };
  const last = err.split('\n').filter(Boolean).pop() ?? '';
  if (/connection refused|connection reset|connection closed|kex_exchange_identification|timed out|no route to host|broken pipe/i.test(err)) {
    return { message: `sshd in the guest is not up yet (${last}): the guest is still booting or cloud-init is still running. Retry in a few seconds.`, retry: true };
  }
  if (/permission denied/i.test(err)) {
    return { message: `The guest refused the key (${last}): cloud-init may not have installed it yet (retry in a few seconds), or the image ignores the seed (check the Console for cloud-init's output).`, retry: true };
  }
  if (/host key verification failed|remote host identification has changed/i.test(err)) {
    return { message: `The guest's host key does not match the one in the VM's own known_hosts (${last}): the guest was rebuilt; remove the VM's ssh/known_hosts file and retry.`, retry: true };
  }
  return { message: `ssh ended with exit code ${code ?? 'none'}${last ? `: ${last}` : ''}.`, retry: true };
}
