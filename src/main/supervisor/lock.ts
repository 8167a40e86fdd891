// A per-VM lock so that two vmdesk processes (the app and a CLI) never both start or stop the same VM.
// O_EXCL create of <vmDir>/vm.lock holding the owner's pid and start time; a lock whose owner is gone
// (or whose pid now belongs to another process) is stale and is taken over.
import { accessSync, closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import { isDiskFullError } from './disk-space';
import { isSameProcess, readProcStat } from './proc';

/** A held lock; release() removes it (only if still ours). */
export interface VmLock {
  path: string;
  release(): void;
}

interface LockOwner {
  pid: number;
  startTime?: number;
  /** Absent in a lock written on a full disk (see createLockFile). */
  at?: string;
  purpose: string;
}

/** The lock file path of a VM directory. */
export function lockPath(vmDir: string): string {
  return join(vmDir, 'vm.lock');
}

/**
 * Takes the VM's lock or throws VM_LOCKED naming the holder. With `waitMs`, a lock held by another live
 * vmdesk process is waited for (polled) up to that long first: a stop racing another process's stop then
 * runs after it (and finds the VM exited) instead of failing while the other one is still at work. `file`
 * names another lock in the VM directory (the log rotation's, log-catchup.ts), taken by the same rules.
 */
export async function acquireLock(vmDir: string, purpose: string, waitMs = 0, file = 'vm.lock'): Promise<VmLock> {
  try {
    mkdirSync(vmDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw notWritable(vmDir, purpose, err);
  }
  const path = join(vmDir, file);
  const me: LockOwner = { pid: process.pid, startTime: readProcStat(process.pid)?.startTime, at: new Date().toISOString(), purpose };
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      createLockFile(path, me);
      return {
        path,
        release() {
          const owner = readOwner(path);
          if (owner?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        // Another process removed the VM directory (destroy) between our mkdir and open: recreate and retry.
        mkdirSync(vmDir, { recursive: true, mode: 0o700 });
        continue;
      }
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw notWritable(vmDir, purpose, err);
      const owner = readOwner(path);
      if (owner && owner.pid !== process.pid && isSameProcess(owner.pid, owner.startTime)) {
        if (Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          attempt--; // waiting on a live holder is not a stale-lock attempt
          continue;
        }
        throw new VmdeskError('VM_LOCKED', `another vmdesk process (pid ${owner.pid}) is already doing "${owner.purpose}" on this VM${owner.at ? ` since ${owner.at}` : ''}; wait for it to finish`);
      }
      if (owner && owner.pid === process.pid) {
        throw new VmdeskError('VM_LOCKED', `this process is already doing "${owner.purpose}" on this VM; wait for it to finish`);
      }
      // Stale (owner dead, pid reused) or unreadable because half-written by a process that died: remove and retry.
      // A just-created lock whose owner has not written yet reads as empty; give it a moment before calling it stale.
      if (!owner && attempt === 0) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      rmSync(path, { force: true });
    }
  }
  throw new VmdeskError('VM_LOCKED', `could not take the lock ${path}; remove it if no vmdesk process is running`);
}

/**
 * A read-only or foreign $VMDESK_HOME: the lock is the first file any start, stop or rm writes, so its failure
 * says which directory and what to do (instead of an INTERNAL EROFS). Node's recursive mkdir reports a
 * read-only parent as ENOENT: the nearest existing ancestor is asked. Other errors pass through.
 */
function notWritable(vmDir: string, purpose: string, err: unknown): unknown {
  let code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    let dir = vmDir;
    while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
    try {
      accessSync(dir, constants.W_OK);
      return err;
    } catch (e) {
      code = (e as NodeJS.ErrnoException).code;
    }
  }
  if (code !== 'EROFS' && code !== 'EACCES' && code !== 'EPERM') return err;
  const home = dirname(dirname(vmDir));
  const why = code === 'EROFS' ? 'a read-only file system' : 'permission denied';
  const elsewhere = purpose === 'start' ? ', or set VMDESK_HOME to a writable directory to keep new VMs there' : '; its VMs are known only there, so another VMDESK_HOME would not find them';
  return new VmdeskError(
    'HOME_NOT_WRITABLE',
    `cannot write in ${vmDir} (${code}: ${why}); vmdesk keeps each VM's record, lock and logs there, under VMDESK_HOME (${home}). Make ${home} writable for you (remount it read-write, or fix its owner and mode)${elsewhere}`,
  );
}

/**
 * Creates the lock (O_EXCL) holding its owner. On a full disk the owner cannot be written into the file (that
 * needs a data block), and an empty lock would look stale to others; so the lock becomes a symlink whose target
 * is the owner: created atomically (EEXIST like O_EXCL), and a short symlink lives in the inode (ext4 "fast
 * symlinks", tmpfs), needing no data block. Stopping a VM must still work while its log disk is full.
 */
function createLockFile(path: string, me: LockOwner): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(me));
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true }); // a lock with no owner in it would look stale to everyone
    if (!isDiskFullError(err)) throw err;
    symlinkSync(symlinkOwner(me), path); // EEXIST if another process took the lock meanwhile
    return;
  }
  closeSync(fd);
}

/** "pid starttime purpose": ext4 keeps a symlink target in the inode only below 60 bytes, so no JSON here. */
function symlinkOwner(me: LockOwner): string {
  return `${me.pid} ${me.startTime ?? '-'} ${me.purpose}`;
}

function parseSymlinkOwner(target: string): LockOwner | undefined {
  const [pid, startTime, purpose] = target.split(' ');
  if (!pid || !/^\d+$/.test(pid) || !purpose) return undefined;
  return { pid: Number(pid), ...(startTime && /^\d+$/.test(startTime) ? { startTime: Number(startTime) } : {}), purpose };
}

function readOwner(path: string): LockOwner | undefined {
  try {
    if (lstatSync(path).isSymbolicLink()) return parseSymlinkOwner(readlinkSync(path));
    const o = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof o.pid === 'number' ? o : undefined;
  } catch {
    return undefined;
  }
}
