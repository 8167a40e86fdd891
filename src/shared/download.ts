// A VM's artifact download as the app shows it (the VM header's progress bar and the Downloads list).

/** Where a download is. */
export type DownloadStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** The fetch of one VM's artifacts: which artifact, which step, how far. */
export interface Download {
  /** The VM whose artifacts these are. */
  name: string;
  status: DownloadStatus;
  /** The artifact being fetched (0-based) of `count`. */
  index: number;
  count: number;
  source: string;
  /** check, download, verify, unpack, copy or done (src/main/artifacts/progress.ts). */
  phase: string;
  /** Bytes of the current phase done, and its total when known. */
  done: number;
  total?: number;
  /** Where the download resumed (bytes already in the cache from an earlier, interrupted fetch). */
  resumedFrom?: number;
  /** Bytes per second over the current phase, when it has run long enough to say. */
  rate?: number;
  startedAt: string;
  finishedAt?: string;
  /** Why it failed. */
  error?: string;
}

/** What the Settings page shows about the artifact cache. */
export interface CacheInfo {
  path: string;
  bytes: number;
  entries: number;
}
