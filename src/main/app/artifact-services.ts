// The app's artifact fetching: a VM's artifacts are fetched on Start (and Restart) before QEMU starts, with
// live progress (`download` events) and Cancel (`cancelDownload`: aborts the fetch; the partial download stays
// in the cache and resumes next time); the Downloads list (`listDownloads`), and the cache size and clearing for
// Settings (`cacheInfo`, `clearCache`). Spread into services.ts.
import { dirname } from 'node:path';
import type { Download } from '../../shared/download';
import { VmdeskError, toErrorData } from '../../shared/errors';
import type { DriverConfig } from '../../shared/driver-config';
import type { Handlers } from '../ipc/dispatch';
import { readTaskFile } from '../driver/prepare';
import { cacheSummary, prune } from '../artifacts/cache';
import { fetchTaskArtifacts } from '../artifacts/fetch-task';
import { downloadFromProgress, finishDownload, publicDownload } from './download-state';
import type { AppEventSink } from './app-events';

type ArtifactHandlers = Pick<Handlers, 'listDownloads' | 'cancelDownload' | 'cacheInfo' | 'clearCache'>;

/** Most finished downloads the list keeps (the running ones are always kept). */
const FINISHED_KEPT = 20;
/** At most this many progress events a second per VM (the renderer redraws a bar, not every chunk). */
const PROGRESS_INTERVAL_MS = 100;

/** The artifact handlers, and `fetchBeforeStart` for the Start and Restart handlers. */
export function createArtifactHandlers(deps: {
  home: string;
  driverConfig(): DriverConfig;
  emit: AppEventSink['emit'];
}): { handlers: ArtifactHandlers; fetchBeforeStart(name: string, taskFile: string): Promise<void>; close(): void } {
  const downloads = new Map<string, Download>();
  const running = new Map<string, AbortController>();

  const publish = (full: Download) => {
    const d = publicDownload(full);
    downloads.delete(d.name); // re-inserted last: the list is oldest first
    downloads.set(d.name, d);
    const finished = [...downloads.values()].filter((x) => x.status !== 'running');
    for (const old of finished.slice(0, Math.max(0, finished.length - FINISHED_KEPT))) downloads.delete(old.name);
    deps.emit('download', d);
  };

  async function fetchBeforeStart(name: string, taskFile: string): Promise<void> {
    const task = await readTaskFile(taskFile);
    if (task.artifacts.length === 0) return;
    if (running.has(name)) throw new VmdeskError('VM_LOCKED', `the artifacts of "${name}" are already being fetched; wait for that, or cancel it`);
    const abort = new AbortController();
    running.set(name, abort);
    let current: Download = { name, status: 'running', index: 0, count: task.artifacts.length, source: task.artifacts[0]!.source, phase: 'check', done: 0, startedAt: new Date().toISOString() };
    let lastSent = 0;
    publish(current);
    try {
      await fetchTaskArtifacts(task.artifacts, dirname(taskFile), {
        home: deps.home,
        driverConfig: deps.driverConfig(),
        signal: abort.signal,
        onProgress: (p) => {
          const next = downloadFromProgress(current, p);
          const now = Date.now();
          const phaseChanged = next.phase !== current.phase || next.index !== current.index;
          current = next;
          if (phaseChanged || now - lastSent >= PROGRESS_INTERVAL_MS) {
            lastSent = now;
            publish(current);
          }
        },
      });
      publish(finishDownload(current, 'done'));
    } catch (err) {
      const cancelled = abort.signal.aborted;
      publish(finishDownload(current, cancelled ? 'cancelled' : 'failed', cancelled ? undefined : toErrorData(err).message));
      if (cancelled) throw new VmdeskError('CANCELLED', `fetching the artifacts of "${name}" was cancelled; start it again to resume the download`);
      throw err;
    } finally {
      running.delete(name);
    }
  }

  return {
    fetchBeforeStart,
    handlers: {
      async listDownloads() {
        return [...downloads.values()];
      },
      async cancelDownload({ name }) {
        const abort = running.get(name);
        if (!abort) throw new VmdeskError('BAD_REQUEST', `nothing is being fetched for "${name}"`);
        abort.abort();
      },
      async cacheInfo() {
        return cacheSummary(deps.home);
      },
      async clearCache() {
        const before = cacheSummary(deps.home).bytes;
        const { removed, partials } = prune(deps.home, 0);
        const after = cacheSummary(deps.home);
        return { removed: removed.length, partials, freedBytes: Math.max(0, before - after.bytes), cache: after };
      },
    },
    close() {
      for (const a of running.values()) a.abort();
    },
  };
}
