// Small-file I/O that never leaves a half-written file: write a temp file, rename it over the target. When any
// step fails (ENOSPC on a full disk: the write, or the fsync that allocates delayed blocks) the temp file is
// removed, the target is left exactly as it was, and the error is thrown for the caller to retry later.
// writeFileAtomic makes the result durable (fsync of the file and its directory) before it returns;
// writeFileAtomicVisible makes it visible to every process at once and durable a moment later, off the
// caller's path (see state-record.ts for which records may use which).
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

let tmpSeq = 0;

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${tmpSeq++}.tmp`);
}

function writeTemp(path: string, text: string, mode: number, sync: boolean): string {
  const tmp = tempPathFor(path);
  const data = Buffer.from(text, 'utf8');
  try {
    const fd = openSync(tmp, 'w', mode);
    try {
      // writeSync may write less than asked (a nearly full disk): loop, or the rename would publish a torn file.
      for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
      if (sync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return tmp;
}

/** Renames the temp file into place; on failure the temp file is removed and the target left as it was. */
function publish(tmp: string, path: string): void {
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Replaces `path` with `text` atomically (readers see the old or the new content, never a mix) and durably. */
export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  publish(writeTemp(path, text, mode, true), path);
  // fsync the directory so the rename itself survives a crash.
  try {
    const dfd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // not every filesystem allows fsync on a directory
  }
}

/**
 * Replaces `path` with `text` atomically, at once visible to every process (write + rename: the page cache is
 * shared, and survives this process being killed), without waiting for the disk. The returned promise
 * settles when the file and its directory have been fsynced, in the background (libuv's thread pool: the
 * event loop is not blocked); it never rejects. Until then an OS crash or power cut may leave the old
 * content or, on some filesystems, an empty file under `path`.
 */
export function writeFileAtomicVisible(path: string, text: string, mode = 0o600): Promise<void> {
  publish(writeTemp(path, text, mode, false), path);
  return syncInBackground(path);
}

async function syncInBackground(path: string): Promise<void> {
  // Whatever is at `path` now is synced: a newer write that replaced it meanwhile is synced instead, which is
  // what durability asks for (the newest content).
  for (const p of [path, dirname(path)]) {
    try {
      const fh = await open(p, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch {
      // removed meanwhile (the VM was destroyed), or a directory fsync the filesystem refuses: nothing to make durable
    }
  }
}
