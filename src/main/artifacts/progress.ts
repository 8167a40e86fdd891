// What a fetch reports while it works, shared by the CLI's progress bar and the app's Downloads list.

/** A step of fetching one artifact. */
export type ArtifactPhase = 'check' | 'download' | 'verify' | 'unpack' | 'copy' | 'done';

/** One progress report. `done`/`total` are bytes of the current phase (total unknown: undefined). */
export interface ArtifactProgress {
  /** Index in the task's artifacts. */
  index: number;
  source: string;
  phase: ArtifactPhase;
  done: number;
  total?: number;
  /** Bytes the download resumed from (already on disk before this run). */
  resumedFrom?: number;
}

/** Receives progress reports. */
export type ProgressSink = (p: ArtifactProgress) => void;
