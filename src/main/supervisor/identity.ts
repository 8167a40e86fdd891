// "Is this our QEMU?", answered in one place. A VM's QEMU is the process whose command line carries the VM's
// uuid (`-uuid U`) and its QMP socket path (a `-chardev socket,...,path=P`), both written by the driver; the
// recorded pid is only a hint (it may be missing: vmdesk killed between writing the record and recording
// the pid; or now belong to another process: pid reuse). When the hint fails, /proc is searched for the
// identity. QMP query-uuid (queryUuid) then confirms it is our QEMU that answers on the socket.
import { rmSync, statSync } from 'node:fs';
import type { VmPaths } from '../../shared/plan';
import type { QmpClient } from '../qmp/index';
import { currentUid } from '../store/paths';
import { isRunningPid, pidsWhere, readCmdline, readProcStat } from './proc';

/** What a record says about its QEMU: uuid, the recorded pid (and start time), the paths. */
export interface QemuIdentity {
  uuid: string;
  pid?: number;
  pidStartTime?: number;
  plan: { paths: Pick<VmPaths, 'qmpSocket' | 'runtimeDir' | 'consoleLog'> };
}

/** What became of the recorded pid: ours; none recorded; gone (exited, or reused: start time differs); alive but not ours. */
export type RecordedPid = 'ours' | 'none' | 'gone' | 'not-ours';

/** The outcome of the search: the verdict on the recorded pid, and the VM's QEMU wherever it was found. */
export interface Identified {
  recorded: RecordedPid;
  qemu?: { pid: number; startTime?: number };
}

/** QemuOpts doubles a comma inside a value (the driver writes paths that way). Pure. */
function optValue(v: string): string {
  return v.replaceAll(',', ',,');
}

/** True when `argv` is the command line of the VM's QEMU: `-uuid <uuid>` and its QMP socket path. Pure. */
export function argvIsVmQemu(argv: readonly string[], uuid: string, qmpSocket: string): boolean {
  const hasUuid = argv.some((a, i) => a === '-uuid' && argv[i + 1]?.toLowerCase() === uuid.toLowerCase());
  const path = `path=${optValue(qmpSocket)}`;
  return hasUuid && argv.some((a) => a.includes(`${path},`) || a.endsWith(path));
}

/** The verdict on a recorded pid from what /proc says about it. Pure. */
export function judgeRecordedPid(f: { pid?: number; recordedStart?: number; running: boolean; startTime?: number; carriesIdentity: boolean }): RecordedPid {
  if (!f.pid) return 'none';
  if (!f.running) return 'gone';
  // Same number, later start: the recorded process exited and the kernel gave its pid to another one.
  if (f.recordedStart !== undefined && f.startTime !== f.recordedStart) return 'gone';
  return f.carriesIdentity ? 'ours' : 'not-ours';
}

/**
 * True when the process runs as this user. Anyone can read anyone's command line in /proc and start a
 * process whose argv names our uuid and sockets; only our own processes can be our QEMU (it binds sockets
 * in our private runtime dir), so another user's is never adopted, signalled, or allowed to block a removal.
 */
function ownedByMe(pid: number): boolean {
  try {
    return statSync(`/proc/${pid}`).uid === currentUid();
  } catch {
    return false;
  }
}

/** Pids of this user's live processes whose argv satisfies `test`. */
function myPidsWhere(test: (argv: string[]) => boolean): number[] {
  return pidsWhere(test).filter(ownedByMe);
}

/** True when `pid` runs now, as this user, with the VM's identity on its command line. */
function pidIsVmQemu(pid: number, id: QemuIdentity): boolean {
  return isRunningPid(pid) && ownedByMe(pid) && argvIsVmQemu(readCmdline(pid) ?? [], id.uuid, id.plan.paths.qmpSocket);
}

/**
 * Finds the VM's QEMU: the recorded pid when it is still that process with the VM's identity, else the
 * process in /proc that carries the identity (the one a killed start left unrecorded, or the real one
 * behind a reused pid).
 */
export function findOurQemu(id: QemuIdentity): Identified {
  const st = id.pid ? readProcStat(id.pid) : undefined;
  const recorded = judgeRecordedPid({
    ...(id.pid !== undefined ? { pid: id.pid } : {}),
    ...(id.pidStartTime !== undefined ? { recordedStart: id.pidStartTime } : {}),
    running: id.pid !== undefined && isRunningPid(id.pid),
    ...(st ? { startTime: st.startTime } : {}),
    carriesIdentity: id.pid !== undefined && pidIsVmQemu(id.pid, id),
  });
  if (recorded === 'ours') return { recorded, qemu: { pid: id.pid!, ...(st ? { startTime: st.startTime } : {}) } };
  const found = myPidsWhere((argv) => argvIsVmQemu(argv, id.uuid, id.plan.paths.qmpSocket))[0];
  if (found === undefined) return { recorded };
  const startTime = readProcStat(found)?.startTime;
  return { recorded, qemu: { pid: found, ...(startTime !== undefined ? { startTime } : {}) } };
}

/** True when the recorded pid is the VM's QEMU, still running (the check before a signal is sent to it). */
export function recordedPidIsOurs(id: QemuIdentity): boolean {
  return id.pid !== undefined && findOurQemu({ ...id }).qemu?.pid === id.pid;
}

/**
 * Pids of this user's live processes that use the VM's files whatever their uuid: a socket in its runtime directory, or
 * its console log. What a lost or corrupt record cannot tell, this can: a QEMU of this VM still runs.
 */
export function processesUsingVm(paths: Pick<VmPaths, 'runtimeDir' | 'consoleLog'>): number[] {
  const inRuntime = `path=${optValue(paths.runtimeDir)}/`;
  const log = `logfile=${optValue(paths.consoleLog)}`;
  return myPidsWhere((argv) => argv.some((a) => a.includes(inRuntime) || a.includes(`${log},`) || a.endsWith(log)));
}

/** Removes the VM's runtime directory unless a live process still uses it (its QEMU's sockets). True when removed. */
export function removeRuntimeDirIfUnused(paths: Pick<VmPaths, 'runtimeDir' | 'consoleLog'>): boolean {
  if (processesUsingVm(paths).length > 0) return false;
  rmSync(paths.runtimeDir, { recursive: true, force: true });
  return true;
}

/** The uuid QEMU reports on QMP (query-uuid), or undefined when it does not answer. */
export async function queryUuid(qmp: QmpClient, timeoutMs?: number): Promise<string | undefined> {
  try {
    return (await qmp.execute<{ UUID: string }>('query-uuid', undefined, timeoutMs !== undefined ? { timeoutMs } : {})).UUID;
  } catch {
    return undefined;
  }
}

/** QEMU prints uuids in lower case; records may hold either. Pure. */
export function sameUuid(a: string | undefined, b: string): boolean {
  return a?.toLowerCase() === b.toLowerCase();
}
