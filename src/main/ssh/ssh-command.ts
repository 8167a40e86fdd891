// `vmdesk ssh`: the system ssh's argv for a VM (pure), and the access a VM's plan gives (pure). The key is the
// per-VM one vmdesk generated; host keys go to the VM's own known_hosts (a VM's host key changes whenever
// cloud-init makes a new instance, so the user's ~/.ssh/known_hosts is never touched).
import type { Plan } from '../../shared/plan';
import type { VmSshAccess } from '../../shared/vm';

/** What sshCommandFor needs. */
export interface SshTarget {
  user: string;
  host: string;
  port: number;
  /** Private key (-i, with IdentitiesOnly); absent: ssh's own identities. */
  keyFile?: string;
  knownHosts: string;
}

/** How sshCommandFor runs ssh. */
export interface SshCommandOptions {
  /** No prompts (default: when there is a command). */
  batch?: boolean;
  /**
   * `-tt`: a pty on the remote side even though ssh's own stdin is a pipe (the app's SSH terminal: Electron has no
   * local pty without a native module), and no escape character (`~.` is the user's text, not ssh's).
   */
  forceTty?: boolean;
}

/** The argv after `ssh` (or with it, `withBinary`): options, user@host, then `--` and the command if any. Pure. */
export function sshCommandFor(t: SshTarget, command: readonly string[] = [], opts: SshCommandOptions = {}): string[] {
  const batch = opts.batch ?? command.length > 0;
  return [
    ...(opts.forceTty ? ['-tt', '-e', 'none'] : []),
    ...(t.keyFile ? ['-i', t.keyFile, '-o', 'IdentitiesOnly=yes'] : []),
    '-p', String(t.port),
    '-o', `UserKnownHostsFile=${t.knownHosts}`,
    '-o', 'StrictHostKeyChecking=accept-new',
    '-o', 'ConnectTimeout=30',
    '-o', 'LogLevel=ERROR', // no "Permanently added ..." note on the first connection; errors still show
    // A command runs without prompts (a missing key fails instead of asking for a password).
    ...(batch ? ['-o', 'BatchMode=yes'] : []),
    `${t.user}@${t.host}`,
    ...(command.length ? ['--', ...command] : []),
  ];
}

/** The address to connect to for a forward bound to `bind`: loopback when it listens on every address. Pure. */
export function connectHost(bind: string): string {
  return bind === '0.0.0.0' || bind === '' ? '127.0.0.1' : bind === '::' ? '::1' : bind;
}

/** The SSH access of a planned VM (ports as assigned at start), or undefined without cloud_init. Pure. */
export function sshAccessOf(plan: Plan): VmSshAccess | undefined {
  const ci = plan.cloudInit;
  if (!ci) return undefined;
  const fwd = plan.ports.find((p) => p.label === ci.sshLabel);
  const host = connectHost(fwd?.bind ?? '127.0.0.1');
  const port = fwd && fwd.host !== 0 ? fwd.host : undefined;
  const access: VmSshAccess = { user: ci.sshUser, label: ci.sshLabel, host, knownHosts: ci.knownHosts, ...(ci.keyFile ? { keyFile: ci.keyFile } : {}) };
  if (port === undefined) return access;
  return { ...access, port, command: ['ssh', ...sshCommandFor({ ...access, port })] };
}
