// Fetching every artifact of a task into its directory, before a start or on demand (`vmdesk fetch`). A
// placement record (`<task dir>/.vmdesk-artifacts.json`) remembers what each artifact put where: an artifact
// whose spec is unchanged and whose files are still there is not fetched again, so a VM that wrote to its
// image keeps its disk across restarts, and a start from a cached artifact costs a stat. A changed spec (a new
// URL or checksum) fetches and replaces.
import { existsSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactToFile, type Artifact } from '../../shared/artifact';
import { ARTIFACT_MAX_BYTES_DEFAULT, type DriverConfig } from '../../shared/driver-config';
import { VmdeskError } from '../../shared/errors';
import { readEntry, touchEntry } from './cache';
import { fetchArtifact, relativeTo, type FetchContext, type FetchedArtifact } from './fetch-artifact';
import type { ProgressSink } from './progress';

/** The placement record's file name in a task directory. */
export const PLACEMENT_RECORD = '.vmdesk-artifacts.json';

interface RecordEntry {
  spec: string;
  cacheId?: string;
  placed: string[];
  at: string;
}

/** What one artifact's fetch came to. */
export type ArtifactOutcome = (FetchedArtifact & { status: 'fetched' }) | { status: 'in-place'; source: string; placed: string[]; cacheId?: string };

/** Options of a task fetch. */
export interface FetchTaskOptions {
  home: string;
  driverConfig: Pick<DriverConfig, 'image_paths' | 'artifact_max_bytes'>;
  /** Fetch again even when the record says the files are in place. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressSink;
  freeBytes?: FetchContext['freeBytes'];
}

/** The key an artifact is recorded under: its whole spec (source, destination, mode, checksum, archive, headers). */
export function specKey(a: Artifact): string {
  return JSON.stringify(artifactToFile(a));
}

/** Decides which artifacts must be fetched: not recorded with this spec, or a placed file is gone. Pure. */
export function needsFetch(a: Artifact, recorded: RecordEntry | undefined, exists: (relPath: string) => boolean): boolean {
  return !recorded || recorded.spec !== specKey(a) || recorded.placed.length === 0 || !recorded.placed.every(exists);
}

/** Fetches the task's artifacts into `taskDir` (see the file comment); resolves with one outcome per artifact. */
export async function fetchTaskArtifacts(artifacts: Artifact[], taskDir: string, o: FetchTaskOptions): Promise<ArtifactOutcome[]> {
  if (artifacts.length === 0) return [];
  const realTask = realpathSync(taskDir);
  const recordFile = join(realTask, PLACEMENT_RECORD);
  const record = readRecord(recordFile);
  const outcomes: ArtifactOutcome[] = [];
  for (const [i, a] of artifacts.entries()) {
    if (o.signal?.aborted) throw new VmdeskError('CANCELLED', 'fetch cancelled');
    const prior = record[i];
    if (!o.force && !needsFetch(a, prior, (p) => existsSync(join(realTask, p)))) {
      outcomes.push({ status: 'in-place', source: a.source, placed: prior!.placed.map((p) => join(realTask, p)), ...(prior!.cacheId ? { cacheId: prior!.cacheId } : {}) });
      o.onProgress?.({ index: i, source: a.source, phase: 'done', done: 1, total: 1 });
      continue;
    }
    const r = await fetchArtifact(a, i, {
      home: o.home,
      taskDir: realTask,
      imageDirs: o.driverConfig.image_paths,
      maxBytes: o.driverConfig.artifact_max_bytes ?? ARTIFACT_MAX_BYTES_DEFAULT,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.freeBytes ? { freeBytes: o.freeBytes } : {}),
    });
    record[i] = { spec: specKey(a), ...(r.cacheId ? { cacheId: r.cacheId } : {}), placed: relativeTo(realTask, r.placed), at: new Date().toISOString() };
    writeRecord(recordFile, record.slice(0, artifacts.length));
    if (r.cacheId) {
      const entry = readEntry(o.home, r.cacheId);
      if (entry) touchEntry(o.home, entry, recordFile);
    }
    outcomes.push({ ...r, status: 'fetched' });
  }
  return outcomes;
}

function readRecord(file: string): RecordEntry[] {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as { entries?: unknown };
    if (!Array.isArray(r.entries)) return [];
    return r.entries.map((e: Partial<RecordEntry>) =>
      e && typeof e.spec === 'string' && Array.isArray(e.placed) && e.placed.every((p) => typeof p === 'string') ? (e as RecordEntry) : { spec: '', placed: [], at: '' },
    );
  } catch {
    return [];
  }
}

function writeRecord(file: string, entries: RecordEntry[]): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ entries }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
