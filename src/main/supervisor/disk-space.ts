// The log disk (the filesystem holding $VMDESK_HOME) running full: when to say so, when to say it is over.
import { formatBytes } from '../../shared/format-bytes';
//
// QEMU writes console.log and qemu.stderr.log itself; on ENOSPC it drops what it cannot write and carries on
// (QEMU 7.2 chardev/char.c qemu_chr_write_log returns on a failed write(); stderr writes are unchecked), so
// the VM keeps running and the log resumes by itself once space returns. vmdesk's own writes (state record,
// events, rotation, lock) fail with ENOSPC/EDQUOT too. This module decides, as pure functions, when such an
// episode starts (a write of ours failed, or the free space fell below a floor) and when it ends (free space
// back above a higher mark: hysteresis, so a disk hovering at the edge does not flap), so that each episode
// is reported once and its end once.
import { statfsSync } from 'node:fs';
import type { LogDiskStatus } from '../../shared/vm';

/** Free bytes below which the log disk counts as full (QEMU is, or is about to be, dropping console output). */
export const LOG_DISK_FULL_BELOW = 256 * 1024;
/** Free bytes at or above which a full log disk counts as having space again. */
export const LOG_DISK_RESUME_AT = 1024 * 1024;

/** Thresholds of the full/resumed decision (bytes). */
export interface LogDiskThresholds {
  fullBelowBytes: number;
  resumeAtBytes: number;
}

/** The default thresholds. */
export const DEFAULT_LOG_DISK_THRESHOLDS: LogDiskThresholds = { fullBelowBytes: LOG_DISK_FULL_BELOW, resumeAtBytes: LOG_DISK_RESUME_AT };

/** What the supervisor knows about the log disk of one VM. */
export type LogDiskState = { full: false } | { full: true; since: string; path: string; freeBytes?: number; cause: string };

/** One observation: a write of ours failed for lack of space, or a free-space measurement. */
export type LogDiskObservation =
  | { type: 'write-failed'; path: string; error: string; freeBytes?: number; at: string }
  | { type: 'free-space'; path: string; freeBytes: number | undefined; at: string }
  /** A write of ours succeeded while free space cannot be measured (statfs failed): the only sign of recovery. */
  | { type: 'write-ok'; path: string; at: string };

/** The new state, and what to report (once per episode start, once per episode end). */
export interface LogDiskDecision {
  state: LogDiskState;
  report?: 'full' | 'resumed';
}

/** Decides the next log-disk state. Pure. */
export function nextLogDiskState(state: LogDiskState, obs: LogDiskObservation, t: LogDiskThresholds = DEFAULT_LOG_DISK_THRESHOLDS): LogDiskDecision {
  if (!state.full) {
    if (obs.type === 'write-failed') {
      return { state: { full: true, since: obs.at, path: obs.path, ...(obs.freeBytes !== undefined ? { freeBytes: obs.freeBytes } : {}), cause: obs.error }, report: 'full' };
    }
    if (obs.type === 'free-space' && obs.freeBytes !== undefined && obs.freeBytes < t.fullBelowBytes) {
      return { state: { full: true, since: obs.at, path: obs.path, freeBytes: obs.freeBytes, cause: `only ${formatBytes(obs.freeBytes)} free` }, report: 'full' };
    }
    return { state };
  }
  if (obs.type === 'free-space') {
    if (obs.freeBytes === undefined) return { state };
    if (obs.freeBytes >= t.resumeAtBytes) return { state: { full: false }, report: 'resumed' };
    return { state: { ...state, freeBytes: obs.freeBytes } };
  }
  if (obs.type === 'write-ok') return { state: { full: false }, report: 'resumed' };
  return { state: obs.freeBytes !== undefined ? { ...state, freeBytes: obs.freeBytes } : state };
}

/** True for the errors that mean "no space": ENOSPC, and EDQUOT (a quota is the same problem to the user). Pure. */
export function isDiskFullError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Bytes available to this user on the filesystem holding `path`; undefined when it cannot be measured. */
export function freeBytes(path: string): number | undefined {
  try {
    const s = statfsSync(path);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}

/** The status shown in inspect while the log disk is full (undefined when it is not). Pure. */
export function logDiskStatus(state: LogDiskState, vmDir: string): LogDiskStatus | undefined {
  if (!state.full) return undefined;
  return { full: true, since: state.since, path: state.path, ...(state.freeBytes !== undefined ? { freeBytes: state.freeBytes } : {}), message: logDiskFullMessage(state, vmDir) };
}

/** The log-disk status of a VM directory measured right now (a process not watching the VM). */
export function logDiskNow(vmDir: string, t: LogDiskThresholds = DEFAULT_LOG_DISK_THRESHOLDS): LogDiskStatus | undefined {
  const d = nextLogDiskState({ full: false }, { type: 'free-space', path: vmDir, freeBytes: freeBytes(vmDir), at: new Date().toISOString() }, t);
  return logDiskStatus(d.state, vmDir);
}

/** The one message of an episode: what is full, how much is free, what still works, what to do. Pure. */
export function logDiskFullMessage(state: Extract<LogDiskState, { full: true }>, vmDir: string): string {
  const free = state.freeBytes !== undefined ? `${formatBytes(state.freeBytes)} free` : 'free space unknown';
  return (
    `the disk holding ${vmDir} is full (${free}; ${state.path}: ${state.cause}). The VM keeps running, but QEMU drops ` +
    `console and stderr output it cannot write, and vmdesk keeps its state record and events in memory until space returns. ` +
    `Free space on that filesystem (e.g. \`vmdesk rm --purge\` old VMs, or set VMDESK_HOME to a larger disk); logging resumes by itself`
  );
}

/** The message recorded when an episode ends. Pure. */
export function logDiskResumedMessage(since: string, freeBytesNow: number | undefined, vmDir: string): string {
  const free = freeBytesNow !== undefined ? `${formatBytes(freeBytesNow)} free` : 'writes succeed again';
  return `the disk holding ${vmDir} has space again (${free}); logging resumed (console output QEMU could not write since ${since} is lost)`;
}

/** Bytes for people ("1.5 KiB"), re-exported for the supervisor's messages. */
export { formatBytes };
