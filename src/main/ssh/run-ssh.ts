// Runs the system ssh against a running VM (`vmdesk ssh`, and checks such as `vmdesk test`'s ssh check): the
// VM's access from inspect, the clear refusals (not running, no cloud_init, no ssh port label, no key), then
// `ssh` spawned with an argv (no shell).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { VmdeskError } from '../../shared/errors';
import type { VmInfo } from '../../shared/vm';
import type { SupervisorApi } from '../supervisor/api';
import { sshCommandFor, type SshCommandOptions } from './ssh-command';

/** What one ssh run gave (stdout/stderr are empty when they went to the terminal). */
export interface SshResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The argv after `ssh` for VM `info` running `command`, or a VmdeskError saying what is missing and how to fix it. */
export function sshArgvForVm(info: VmInfo, command: readonly string[], keyExists: (file: string) => boolean = existsSync, opts: SshCommandOptions = {}): string[] {
  const ssh = info.ssh;
  if (!ssh) {
    throw new VmdeskError('BAD_REQUEST', `${info.name} has no cloud_init block, so vmdesk did not set up SSH for it; add "cloud_init": {} to its config (and "port_map": {"ssh": 22}) and start it again`);
  }
  if (info.state !== 'running') throw new VmdeskError('VM_NOT_RUNNING', `${info.name} is not running (state ${info.state}); start it first (vmdesk start ${info.name})`);
  if (ssh.port === undefined) {
    throw new VmdeskError('BAD_REQUEST', `${info.name} has no port_map label "${ssh.label}" for the guest's SSH port; add "port_map": {"${ssh.label}": 22} and "ports": {"${ssh.label}": 0} to the task and start it again`);
  }
  if (ssh.keyFile && !keyExists(ssh.keyFile)) {
    throw new VmdeskError('BAD_REQUEST', `${info.name}'s SSH key ${ssh.keyFile} is missing; restart the VM (vmdesk stop ${info.name}; vmdesk start ...) to generate and inject a new one`);
  }
  return sshCommandFor({ user: ssh.user, host: ssh.host, port: ssh.port, knownHosts: ssh.knownHosts, ...(ssh.keyFile ? { keyFile: ssh.keyFile } : {}) }, command, opts);
}

/** Options of runSsh. */
export interface RunSshOptions {
  /** 'inherit': the terminal (interactive `vmdesk ssh`); 'pipe' (default): collect stdout/stderr. */
  stdio?: 'inherit' | 'pipe';
  /** Kill ssh after this long (default: none). */
  timeoutMs?: number;
  /** The ssh binary (default `ssh` on PATH). */
  ssh?: string;
}

/** Runs `command` (empty: a login shell) in VM `name` over SSH. Resolves with ssh's exit code (255: ssh's own failure). */
export async function runSsh(sup: Pick<SupervisorApi, 'inspect'>, name: string, command: readonly string[], opts: RunSshOptions = {}): Promise<SshResult> {
  const argv = sshArgvForVm(await sup.inspect(name), command);
  return new Promise((resolve, reject) => {
    const child = spawn(opts.ssh ?? 'ssh', argv, { stdio: opts.stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(e.code === 'ENOENT' ? new VmdeskError('BAD_REQUEST', 'ssh was not found on PATH; install openssh-client (sudo apt-get install openssh-client)') : e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 255 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
