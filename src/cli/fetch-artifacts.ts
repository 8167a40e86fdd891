// The CLI side of fetching: a task's artifacts with a progress reporter on stderr and Ctrl-C as cancel (the
// partial download stays and resumes next time). Used by `fetch`, `pull`, `start` and `run`.
import { dirname } from 'node:path';
import type { Artifact } from '../shared/artifact';
import type { DriverConfig } from '../shared/driver-config';
import { formatBytes } from '../shared/format-bytes';
import type { ArtifactOutcome } from '../main/artifacts/fetch-task';
import { readTaskFile } from '../main/driver/prepare';
import { vmdeskHome } from '../main/store/paths';
import { defaultErr, type CliIo } from './command';
import { progressReporter } from './progress-bar';

/** Options of a CLI fetch. */
export interface CliFetchOptions {
  json: boolean;
  force?: boolean;
  driverConfigFile?: string | undefined;
  driverConfig?: DriverConfig;
}

/** Fetches `artifacts` into `taskDir`, drawing progress on stderr (nothing with --json); Ctrl-C cancels. */
export async function fetchWithProgress(artifacts: Artifact[], taskDir: string, io: CliIo, o: CliFetchOptions): Promise<ArtifactOutcome[]> {
  if (artifacts.length === 0) return [];
  // Loaded here, for a task that has artifacts: the downloader and the archive readers (tar, zip, xz, bzip2)
  // are not paid by every `vmdesk start` (issue #17).
  const [{ fetchTaskArtifacts }, { loadDriverConfig }] = await Promise.all([import('../main/artifacts/fetch-task'), import('../main/store/settings-file')]);
  const home = vmdeskHome();
  const driverConfig = o.driverConfig ?? (await loadDriverConfig({ home, ...(o.driverConfigFile ? { file: o.driverConfigFile } : {}) }));
  const mode = o.json ? 'quiet' : process.stderr.isTTY && io.err === defaultErr ? 'tty' : 'lines';
  const bar = progressReporter(io.err, mode);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.on('SIGINT', onSigint);
  try {
    return await fetchTaskArtifacts(artifacts, taskDir, { home, driverConfig, signal: abort.signal, onProgress: bar.sink, ...(o.force ? { force: true } : {}) });
  } finally {
    bar.end();
    process.off('SIGINT', onSigint);
  }
}

/** Fetches the artifacts of a task file (before `start` / `run`); nothing to do for a task without any. */
export async function fetchTaskFileArtifacts(taskFile: string, io: CliIo, o: CliFetchOptions): Promise<ArtifactOutcome[]> {
  const task = await readTaskFile(taskFile);
  return fetchWithProgress(task.artifacts, dirname(taskFile), io, o);
}

/** One readable line per outcome. Pure. */
export function formatOutcomes(outcomes: ArtifactOutcome[]): string {
  return outcomes
    .map((r) => {
      const where = r.placed.join(', ') || '(nothing placed)';
      if (r.status === 'in-place') return `${r.source}: already in place: ${where}\n`;
      const how =
        r.origin === 'downloaded'
          ? `downloaded ${formatBytes(r.downloadedBytes)}${r.resumedFrom ? ` (resumed at ${formatBytes(r.resumedFrom)})` : ''}`
          : r.origin === 'cached'
            ? 'from the cache (nothing downloaded)'
            : 'copied from a local file';
      return `${r.source}: ${how}${r.digest ? `, ${r.digest} verified` : ''} -> ${where}\n`;
    })
    .join('');
}

/** The JSON form of outcomes (for `--json`). Pure. */
export function outcomesJson(outcomes: ArtifactOutcome[]): Array<Record<string, unknown>> {
  return outcomes.map((r) =>
    r.status === 'in-place'
      ? { source: r.source, status: 'in-place', placed: r.placed, cacheId: r.cacheId ?? null }
      : { source: r.source, status: r.origin, placed: r.placed, cacheId: r.cacheId ?? null, downloadedBytes: r.downloadedBytes, resumedFrom: r.resumedFrom, digest: r.digest ?? null },
  );
}

