// The files and helper processes a plan's hardware needs at start (hardware-args.ts planned them): the
// VM's own UEFI variable store (a copy of the firmware's template in the VM directory, kept across runs,
// fresh for a disposable VM) and swtpm, the TPM 2.0 emulator (socket mode, state per VM, started before
// QEMU, gone with it, watched while a vmdesk process is attached).
import type { spawn } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import type { Plan, PlannedTpm } from '../../shared/plan';
import { readTail } from './log-tail';
import { isRunningPid, isSameProcess, readProcStat } from './proc';
import { delay } from './sleep';

/** A running swtpm, as the state record keeps it. */
export interface TpmProcess {
  pid: number;
  pidStartTime?: number;
}

/** Makes sure the VM's variable store exists: copied from the template (0600) when missing, or always for a disposable VM. */
export function prepareFirmwareVars(plan: Plan): void {
  const fw = plan.firmware;
  if (!fw) return;
  mkdirSync(dirname(fw.varsFile), { recursive: true, mode: 0o700 });
  if (plan.task.disposable) rmSync(fw.varsFile, { force: true });
  if (existsSync(fw.varsFile)) return;
  copyFileSync(fw.varsTemplate, fw.varsFile);
  chmodSync(fw.varsFile, 0o600);
}

/** swtpm's command line for the planned TPM. `--terminate`: it exits when QEMU closes the control channel. Pure. */
export function swtpmArgs(tpm: PlannedTpm): string[] {
  return [
    'socket',
    '--tpm2',
    '--tpmstate', `dir=${tpm.stateDir},mode=0600`,
    '--ctrl', `type=unixio,path=${tpm.socket},mode=0600`,
    '--pid', `file=${tpm.pidFile}`,
    '--log', `file=${tpm.log},level=1`,
    '--terminate',
  ];
}

/**
 * Starts swtpm for the plan (its state directory made 0700, fresh for a disposable VM) and waits until its
 * control socket exists. Detached like QEMU: it outlives this vmdesk process, and ends with QEMU.
 */
export async function startTpm(plan: Plan): Promise<TpmProcess | undefined> {
  const tpm = plan.tpm;
  if (!tpm) return undefined;
  // Loaded when a TPM is started (child_process is not needed by the commands that only read VMs).
  const [{ spawn: spawnChild }, { withPrivateUmask }] = await Promise.all([import('node:child_process'), import('./spawn')]);
  if (plan.task.disposable) rmSync(tpm.stateDir, { recursive: true, force: true });
  mkdirSync(tpm.stateDir, { recursive: true, mode: 0o700 });
  chmodSync(tpm.stateDir, 0o700);
  rmSync(tpm.socket, { force: true });
  const logOffset = existsSync(tpm.log) ? statSync(tpm.log).size : 0;
  const fd = openSync(tpm.log, 'a', 0o600);
  let child: ReturnType<typeof spawn>;
  try {
    child = withPrivateUmask(() => spawnChild(tpm.binary, swtpmArgs(tpm), { detached: true, stdio: ['ignore', fd, fd] }));
  } finally {
    closeSync(fd);
  }
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', (err) => reject(new VmdeskError('START_FAILED', `cannot run ${tpm.binary}: ${err.message}`)));
  });
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code ?? -1));
  child.unref();
  const proc: TpmProcess = { pid, pidStartTime: readProcStat(pid)?.startTime };
  for (let i = 0; i < 500 && exited === undefined; i++) {
    if (existsSync(tpm.socket)) return proc;
    await delay(10);
  }
  stopTpm(proc);
  const why = readTail(tpm.log, 2048, logOffset).trim().split('\n').slice(-3).join(' / ');
  throw new VmdeskError('START_FAILED', `swtpm ${exited !== undefined ? `exited (code ${exited})` : 'did not open its socket within 5 s'}${why ? `: ${why}` : ''} (log: ${tpm.log})`);
}

/** Stops a recorded swtpm (SIGTERM), if it is still that very process. */
export function stopTpm(p: TpmProcess | undefined): void {
  if (!p || !isSameProcess(p.pid, p.pidStartTime)) return;
  try {
    process.kill(p.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** True while the recorded swtpm runs. */
export function tpmAlive(p: TpmProcess): boolean {
  return isSameProcess(p.pid, p.pidStartTime) && isRunningPid(p.pid);
}

/**
 * Watches a swtpm while its VM runs (every `intervalMs`: it is not a child of every process that attaches,
 * so there is no exit notification). Calls `onGone` once when it dies before `vmExit` settles; after the VM
 * exits, stops a swtpm that is still there (it normally ends by itself with --terminate). Returns a handle
 * whose stop() ends the watch only.
 */
export function watchTpm(p: TpmProcess, vmExit: Promise<unknown>, onGone: () => void, intervalMs = 500): { stop(): void } {
  let done = false;
  const timer = setInterval(() => {
    if (done || tpmAlive(p)) return;
    done = true;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  void vmExit.finally(() => {
    done = true;
    clearInterval(timer);
    // QEMU closes the control channel as it exits and swtpm follows; give it a moment, then make sure.
    setTimeout(() => stopTpm(p), 1_000).unref();
  });
  // stop(): this process lets go of the VM (detach); the VM and its swtpm run on.
  return {
    stop() {
      done = true;
      clearInterval(timer);
    },
  };
}

/** The message a VM ends with when its swtpm died. Pure. */
export function tpmGoneMessage(p: TpmProcess, log: string): string {
  return `swtpm (the TPM emulator, pid ${p.pid}) exited while the VM ran; the guest lost its TPM, so vmdesk ended the VM (swtpm log: ${log})`;
}
