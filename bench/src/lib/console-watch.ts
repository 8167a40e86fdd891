// Waits for a marker line in a console log file that QEMU is writing (chardev logfile=), reading new bytes
// as inotify reports them (fs.watch on the directory), with a 50 ms re-check in case an event is missed.
// The same watcher is used for raw QEMU and for vmdesk, so the ready-marker times compare.
import { closeSync, existsSync, openSync, readSync, statSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { nowMs } from './clock';

/** Current size of `path` (0 when missing): pass it as `fromOffset` before starting the VM. */
export function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Resolves with the monotonic ms at which `marker` was first seen after `fromOffset`. */
export function waitForMarker(path: string, marker: string, fromOffset: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let offset = fromOffset;
    let tail = '';
    const buf = Buffer.alloc(64 * 1024);
    let done = false;
    const finish = (err?: Error, at?: number) => {
      if (done) return;
      done = true;
      watcher?.close();
      clearInterval(timer);
      clearTimeout(deadline);
      if (err) reject(err);
      else resolve(at!);
    };
    const check = () => {
      if (done || !existsSync(path)) return;
      const fd = openSync(path, 'r');
      try {
        for (;;) {
          const n = readSync(fd, buf, 0, buf.length, offset);
          if (n <= 0) break;
          offset += n;
          tail = (tail + buf.subarray(0, n).toString('latin1')).slice(-(marker.length + buf.length));
          if (tail.includes(marker)) return finish(undefined, nowMs());
        }
      } finally {
        closeSync(fd);
      }
    };
    const dir = dirname(path);
    let watcher: ReturnType<typeof watch> | undefined;
    try {
      watcher = watch(dir, (_e, f) => {
        if (f === null || f === basename(path)) check();
      });
      watcher.on('error', () => undefined);
    } catch {
      watcher = undefined;
    }
    const timer = setInterval(check, 50);
    const deadline = setTimeout(() => finish(new Error(`"${marker}" did not appear in ${path} within ${timeoutMs} ms`)), timeoutMs);
    check();
  });
}
