// Live streaming of a growing log file to one subscriber, with back-pressure: the file is the buffer.
// At most one chunk is read ahead; the next read waits until the subscriber's callback has finished
// (its promise settled), so a slow subscriber lags behind in the file instead of in memory.
// New data is noticed through fs.watch (inotify), not by polling.
import { closeSync, existsSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, basename } from 'node:path';
import { liveStart } from './log-rotation';

/** Bytes read per chunk. */
export const FOLLOW_CHUNK_BYTES = 64 * 1024;
/** Reads at least this long are handed to the subscriber without a copy. */
const HAND_OVER_BYTES = FOLLOW_CHUNK_BYTES / 4;

/** A running follower. */
export interface Follower {
  /** The next offset to be read. */
  readonly offset: number;
  stop(): void;
}

/** Follows `path` from `fromOffset` ('end' = current size) and calls onData for every new chunk. */
export function followFile(path: string, onData: (chunk: Buffer) => void | Promise<void>, opts: { fromOffset?: number | 'end' } = {}): Follower {
  let offset = opts.fromOffset === 'end' || opts.fromOffset === undefined ? (existsSync(path) ? statSync(path).size : 0) : opts.fromOffset;
  let stopped = false;
  let running = false;
  let again = false;
  let watcher: FSWatcher | undefined;
  let buf = Buffer.allocUnsafe(FOLLOW_CHUNK_BYTES);

  const pump = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        if (!existsSync(path)) break;
        offset = Math.max(offset, liveStart(path));
        const fd = openSync(path, 'r');
        try {
          for (;;) {
            if (stopped) return;
            const n = readSync(fd, buf, 0, buf.length, offset);
            if (n <= 0) break;
            offset += n;
            // The subscriber owns what it gets (it may keep it). A well-filled read buffer is handed over as it
            // is and a fresh one is taken: copying every chunk cost a quarter of the follower's throughput
            // (bench: console pipeline). A small read is copied out, so a kept line does not pin 64 KiB.
            let chunk: Buffer;
            if (n >= HAND_OVER_BYTES) {
              chunk = buf.subarray(0, n);
              buf = Buffer.allocUnsafe(FOLLOW_CHUNK_BYTES);
            } else {
              chunk = Buffer.from(buf.subarray(0, n));
            }
            await onData(chunk);
          }
        } finally {
          closeSync(fd);
        }
      } while (again && !stopped);
    } catch {
      // the file vanished (VM removed): stop quietly
    } finally {
      running = false;
    }
  };

  // A writer appending fast raises one inotify event per write() (512 for 64 MiB written by `cat`); they
  // arrive together, and one pump at the end of this turn of the event loop reads what all of them
  // announced. A pump per event re-opened the file hundreds of times for nothing (bench: console pipeline).
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void pump();
    });
  };

  // Watch the directory: works before the file exists, and survives the file being created late.
  try {
    watcher = watch(dirname(path), (_event, file) => {
      if (!stopped && (file === null || file === basename(path))) schedule();
    });
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined;
  }
  void pump();

  return {
    get offset() {
      return offset;
    },
    stop() {
      stopped = true;
      watcher?.close();
    },
  };
}
