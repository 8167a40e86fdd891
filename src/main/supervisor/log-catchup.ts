// Log rotation from any vmdesk process, not only the one attached to the VM. A VM started by `vmdesk start`
// has no process watching it: its console log and QEMU's stderr grew without bound until one attached. Now
// every process that touches the VM (ls, inspect, logs, agent: all go through inspect or the agent path)
// catches the rotation up. Two processes may do so at the same moment (a CLI next to the app): each rotation
// runs under the VM's rotation lock (rotate.lock, the same O_EXCL lock as vm.lock, stale when its owner
// is gone), and a process that finds it held skips (the holder is rotating the same files).
import type { VmPaths } from '../../shared/plan';
import { acquireLock } from './lock';
import { statSync } from 'node:fs';
import { LOG_MAX_BYTES, liveStart, rotateIfNeeded, rotationCut, type RotationResult } from './log-rotation';

/** The rotation lock's file name in the VM directory. */
export const ROTATION_LOCK = 'rotate.lock';

/** One rotation attempt under the lock: `busy` when another process holds it (it is rotating the same files). */
export async function rotateLocked(vmDir: string, path: string, maxBytes = LOG_MAX_BYTES): Promise<RotationResult | { rotated: false; busy: true }> {
  if (!needsRotation(path, maxBytes)) return { rotated: false }; // the common case, without taking the lock
  let lock;
  try {
    lock = await acquireLock(vmDir, 'log rotation', 0, ROTATION_LOCK);
  } catch {
    return { rotated: false, busy: true };
  }
  try {
    return await rotateIfNeeded(path, maxBytes);
  } finally {
    lock.release();
  }
}

/** True when the live part of `path` is over the limit (checked again under the lock by rotateIfNeeded). */
function needsRotation(path: string, maxBytes: number): boolean {
  try {
    return rotationCut(statSync(path).size, liveStart(path), maxBytes) !== undefined;
  } catch {
    return false; // no log yet
  }
}

/** What catching up did for one log: archived bytes, or why not (unsupported, an error). */
export interface CatchUpOutcome {
  path: string;
  archived?: number;
  problem?: string;
}

/**
 * Rotates the VM's console and stderr logs when they exceed `maxBytes`. Best effort: an error (a full or
 * read-only disk) is returned, never thrown, so a read-only command (ls) still answers.
 */
export async function catchUpRotation(paths: Pick<VmPaths, 'vmDir' | 'consoleLog' | 'stderrLog'>, maxBytes = LOG_MAX_BYTES): Promise<CatchUpOutcome[]> {
  const out: CatchUpOutcome[] = [];
  for (const path of [paths.consoleLog, paths.stderrLog]) {
    try {
      const r = await rotateLocked(paths.vmDir, path, maxBytes);
      if (r.rotated) out.push({ path, archived: r.archived });
      else if ('unsupported' in r) out.push({ path, problem: r.unsupported });
    } catch (err) {
      out.push({ path, problem: (err as Error).message });
    }
  }
  return out;
}
