// Pure steps of a Download (src/shared/download.ts): a progress report applied to it, and its end.
import type { Download, DownloadStatus } from '../../shared/download';
import type { ArtifactProgress } from '../artifacts/progress';

/** The download after a progress report: a new artifact or phase restarts the rate's clock. Pure. */
export function downloadFromProgress(d: Download, p: ArtifactProgress, now = Date.now()): Download & { phaseStartedMs: number; phaseStartBytes: number } {
  const prev = d as Download & { phaseStartedMs?: number; phaseStartBytes?: number };
  const samePhase = prev.phaseStartedMs !== undefined && p.index === d.index && p.phase === d.phase;
  const phaseStartedMs = samePhase ? prev.phaseStartedMs! : now;
  const phaseStartBytes = samePhase ? prev.phaseStartBytes! : p.done;
  const seconds = (now - phaseStartedMs) / 1000;
  const rate = seconds >= 0.25 ? Math.round((p.done - phaseStartBytes) / seconds) : undefined;
  const { total: _t, resumedFrom: _r, rate: _rate, ...rest } = d;
  return {
    ...rest,
    index: p.index,
    source: p.source,
    phase: p.phase,
    done: p.done,
    ...(p.total !== undefined ? { total: p.total } : {}),
    ...(p.resumedFrom ? { resumedFrom: p.resumedFrom } : samePhase && d.resumedFrom ? { resumedFrom: d.resumedFrom } : {}),
    ...(rate !== undefined && rate > 0 ? { rate } : {}),
    phaseStartedMs,
    phaseStartBytes,
  };
}

/** The download ended with `status` (and the error message when it failed); only the shared fields stay. Pure. */
export function finishDownload(d: Download, status: Exclude<DownloadStatus, 'running'>, error?: string, now = new Date()): Download {
  const { phaseStartedMs: _a, phaseStartBytes: _b, rate: _rate, ...rest } = d as Download & { phaseStartedMs?: number; phaseStartBytes?: number };
  return { ...rest, status, ...(status === 'done' ? { phase: 'done' } : {}), finishedAt: now.toISOString(), ...(error ? { error } : {}) };
}

/** The download without the rate's bookkeeping: what crosses IPC. Pure. */
export function publicDownload(d: Download): Download {
  const { phaseStartedMs: _a, phaseStartBytes: _b, ...rest } = d as Download & { phaseStartedMs?: number; phaseStartBytes?: number };
  return rest;
}
