// Wakes a waiter when something changes in a directory (inotify via fs.watch), or after a short fallback
// delay, whichever comes first. Used at start to notice QEMU's QMP socket the moment it is created: a
// polling backoff here would add its overshoot to every start.
import { watch, type FSWatcher } from 'node:fs';

/** A directory waker; close() it when done. */
export interface DirWake {
  /** Resolves on the next change in the directory, or after `fallbackMs`. */
  next(fallbackMs: number): Promise<void>;
  close(): void;
}

/** Watches `dir` (which must exist); without inotify it degrades to the fallback delay. */
export function wakeOnChange(dir: string): DirWake {
  let wake: (() => void) | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, () => wake?.());
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined;
  }
  return {
    next(fallbackMs) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, fallbackMs);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    },
    close() {
      watcher?.close();
      wake?.();
    },
  };
}
