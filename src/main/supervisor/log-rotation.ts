// Size-bounded logs that never lose a byte while QEMU keeps writing them.
//
// QEMU holds console.log (chardev logfile, opened O_APPEND) and its stderr (fd 2) open for its whole life,
// and offers no command to reopen them. Renaming the file does not help (QEMU keeps writing the old inode),
// and the usual copy-then-truncate loses whatever QEMU writes between the copy and the truncate. So
// vmdesk rotates by copy-then-PUNCH: the head of the live file, [start, cut), is appended to an archive
// (<log>.1, older ones shifted to <log>.2 ...), fsynced, and only then deallocated in place with
// `fallocate --punch-hole` (FALLOC_FL_PUNCH_HOLE). The file keeps its inode and its offsets; QEMU's
// appends land after `cut`, untouched. No byte is ever in neither file.
// Limits, stated precisely:
//  - the live file's apparent size keeps growing (it is sparse); its disk usage is what is bounded;
//  - rotation runs only while a vmdesk process is attached to the VM: with none running, QEMU's files grow
//    until the next vmdesk process attaches and rotates them;
//  - on a filesystem without hole punching (and where util-linux's `fallocate` is missing) logs are not
//    rotated; the supervisor records one event saying so;
//  - on a full disk the copy fails: it is taken back (truncated to its former size) and nothing is punched;
//    the caller retries once space returns.
// The punched boundary is kept in <log>.start; log-read.ts is the reader that skips the hole (reading it would
// yield zeros) and serves the archives in the live file's offset space.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file';

/** Bytes kept live in a log before a rotation (the archive holds the same again per generation). */
export const LOG_MAX_BYTES = 8 * 1024 * 1024;
/** Archive generations kept (<log>.1 .. <log>.N). */
export const LOG_ARCHIVES = 2;
const BLOCK = 4096;

/** Offset where the live data of `path` starts (0 unless a rotation punched the head). */
export function liveStart(path: string): number {
  if (!existsSync(`${path}.start`)) return 0; // the common case, checked without throwing (the follower asks often)
  try {
    const n = Number(readFileSync(`${path}.start`, 'utf8').trim());
    return Number.isFinite(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** Where to cut so that about `keepBytes` stay live, block aligned (a partial block cannot be freed). Pure. */
export function rotationCut(size: number, start: number, maxBytes: number): number | undefined {
  if (size - start <= maxBytes) return undefined;
  const cut = Math.floor((size - Math.floor(maxBytes / 2)) / BLOCK) * BLOCK;
  return cut > start ? cut : undefined;
}

/** Outcome of one rotation attempt. */
export type RotationResult = { rotated: false } | { rotated: true; archived: number } | { rotated: false; unsupported: string };

/** Rotates `path` when its live part exceeds maxBytes. Serialise calls per file (one attached process does). */
export async function rotateIfNeeded(path: string, maxBytes = LOG_MAX_BYTES, archives = LOG_ARCHIVES): Promise<RotationResult> {
  if (!existsSync(path)) return { rotated: false };
  const start = liveStart(path);
  const cut = rotationCut(statSync(path).size, start, maxBytes);
  if (cut === undefined) return { rotated: false };
  const archive = `${path}.1`;
  if (existsSync(archive) && statSync(archive).size >= maxBytes) {
    for (let g = archives; g >= 1; g--) {
      const from = `${path}.${g}`;
      if (!existsSync(from)) continue;
      if (g === archives) rmSync(from);
      else renameSync(from, `${path}.${g + 1}`);
    }
  }
  const archivedBefore = existsSync(archive) ? statSync(archive).size : 0;
  const undoCopy = () => truncateSync(archive, archivedBefore);
  // A copy cut short (a full disk) is taken back, so the archive never holds a range twice.
  withUndo(() => copyRange(path, start, cut, archive), undoCopy);
  // The new start is published before the punch: a reader then skips bytes that are already archived, never
  // reads the punched hole as zeros (which it would if the punch came first and this write then failed).
  withUndo(() => writeFileAtomic(`${path}.start`, `${cut}\n`), undoCopy);
  const { execa } = await import('execa'); // loaded when first needed (start-up time of the app and the CLI)
  const r = await execa('fallocate', ['--punch-hole', '--offset', String(start), '--length', String(cut - start), path], { reject: false, all: true });
  if (r.exitCode !== 0) {
    // Nothing freed: put the start and the archive back. Should that fail too, the start says `cut` and the
    // archive holds [start, cut): still consistent, nothing lost.
    try {
      writeFileAtomic(`${path}.start`, `${start}\n`);
      undoCopy();
    } catch {
      // consistent as it stands
    }
    const why = String(r.all ?? r.stderr ?? r.message).trim() || 'fallocate failed';
    // Punching a hole can itself need a block (an extent split on ext4): a full disk, not a missing feature.
    if (/No space left on device|Disk quota exceeded/i.test(why)) throw Object.assign(new Error(`${path}: ${why}`), { code: /quota/i.test(why) ? 'EDQUOT' : 'ENOSPC' });
    return { rotated: false, unsupported: why };
  }
  return { rotated: true, archived: cut - start };
}

function withUndo(step: () => void, undo: () => void): void {
  try {
    step();
  } catch (err) {
    try {
      undo();
    } catch {
      // the original error is the one to report
    }
    throw err;
  }
}

function copyRange(from: string, start: number, end: number, to: string): void {
  const src = openSync(from, 'r');
  const dst = openSync(to, 'a', 0o600);
  try {
    const buf = Buffer.alloc(1024 * 1024);
    for (let pos = start; pos < end; ) {
      const n = readSync(src, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n <= 0) break;
      for (let off = 0; off < n; ) off += writeSync(dst, buf, off, n - off); // a short write is not an error
      pos += n;
    }
    fsyncSync(dst);
  } finally {
    closeSync(src);
    closeSync(dst);
  }
}
