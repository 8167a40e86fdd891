// A small real tmpfs for disk-full tests, and a filler that takes every free byte of it. Needs root (tests run
// as root here and in CI, `.ci/run`); without it the test fails with this message, it is never skipped.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, statfsSync, writeSync } from 'node:fs';

/** A mounted tmpfs; unmount() also removes the mount point (lazily when something still holds it). */
export interface Tmpfs {
  dir: string;
  unmount(): void;
}

/** Mounts a tmpfs of `size` (e.g. '4m') at a fresh directory under /tmp. */
export function mountTmpfs(size: string): Tmpfs {
  if (process.getuid?.() !== 0) {
    throw new Error(`the disk-full test mounts a ${size} tmpfs and must run as root (uid 0; this is uid ${process.getuid?.()}); CI runs it as root (.ci/run)`);
  }
  const dir = mkdtempSync('/tmp/vd-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmdirSync(dir);
    throw new Error(`cannot mount a tmpfs at ${dir} (the disk-full test needs it): ${String((err as { stderr?: Buffer }).stderr ?? err)}`);
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' }); // still busy: detach now, freed when released
      }
      rmdirSync(dir);
    },
  };
}

/** Bytes free on the filesystem holding `dir`. */
export function freeBytesOf(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/**
 * Writes `path` until the filesystem refuses (ENOSPC), big chunks first then single pages, so that afterwards
 * nothing is free but what is left in partly filled pages of other files. Returns the bytes it took.
 * `leaveBytes` stops short, leaving about that much free.
 */
export function fillDisk(path: string, leaveBytes = 0): number {
  const fd = openSync(path, 'a', 0o600);
  let taken = 0;
  try {
    for (const chunk of [1024 * 1024, 64 * 1024, 4096]) {
      const buf = Buffer.alloc(chunk);
      for (;;) {
        if (leaveBytes > 0 && freeBytesOf(path.slice(0, path.lastIndexOf('/')) || '/') - chunk < leaveBytes) break;
        try {
          taken += writeSync(fd, buf);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return taken;
}

/** Removes the filler: space returns. */
export function unfill(path: string): void {
  rmSync(path, { force: true });
}
