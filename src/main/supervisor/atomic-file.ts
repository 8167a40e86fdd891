// Small-file I/O that never leaves a half-written file: write a temp file, fsync, rename over the target.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/**
 * Replaces `path` with `text` atomically (readers see the old or the new content, never a mix). When any step
 * fails (ENOSPC on a full disk: the write, or the fsync that allocates delayed blocks) the temp file is removed,
 * the target is left exactly as it was, and the error is thrown for the caller to retry later.
 */
export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const data = Buffer.from(text, 'utf8');
  try {
    const fd = openSync(tmp, 'w', mode);
    try {
      // writeSync may write less than asked (a nearly full disk): loop, or the rename would publish a torn file.
      for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
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
