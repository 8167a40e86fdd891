// Submit: register a job through Nomad's HTTP API (POST /v1/jobs), then follow its evaluation
// (GET /v1/evaluation/:id) and allocations (GET /v1/evaluation/:id/allocations, whose stubs carry the task
// states and events) until the task runs or fails. The app's Submit action and `vmdesk nomad submit` call this.
import type { Task } from '../../shared/task';
import { exportJob, toApiJson, type ExportOptions } from './export-job';
import { NomadClient, NomadRequestError } from './nomad-client';
import type { NomadTarget } from './nomad-target';
import type { NomadSubmitEvent, NomadSubmitResult } from '../../shared/ipc-contract';

/** One thing that happened while submitting (for a progress view or terminal lines). Never holds the token. */
export type SubmitEvent = NomadSubmitEvent;

/** How a submission ended (running, failed, timeout, or registered with --detach). */
export type SubmitResult = NomadSubmitResult;

/** Options of a submission. */
export interface SubmitOptions {
  onEvent?: (e: SubmitEvent) => void;
  /** Stop following after this long (default 5 minutes). */
  timeoutMs?: number;
  /** Time between polls (default 1 s). */
  pollMs?: number;
  /** Register only; do not follow. */
  detach?: boolean;
  signal?: AbortSignal;
}

interface RegisterResponse {
  EvalID?: string;
  Warnings?: string;
}
interface Evaluation {
  ID: string;
  Status: string;
  StatusDescription?: string;
  BlockedEval?: string;
  FailedTGAllocs?: Record<string, AllocMetric> | null;
}
interface AllocMetric {
  NodesEvaluated?: number;
  NodesFiltered?: number;
  NodesAvailable?: Record<string, number> | null;
  ClassFiltered?: Record<string, number> | null;
  ConstraintFiltered?: Record<string, number> | null;
  NodesExhausted?: number;
  DimensionExhausted?: Record<string, number> | null;
}
interface TaskEvent {
  Type: string;
  Time: number;
  DisplayMessage?: string;
  Message?: string;
  DriverError?: string;
}
interface TaskState {
  State: string;
  Failed: boolean;
  Events?: TaskEvent[] | null;
}
interface AllocStub {
  ID: string;
  JobID: string;
  NodeName?: string;
  ClientStatus: string;
  CreateIndex?: number;
  TaskStates?: Record<string, TaskState> | null;
}

/** Nomad's placement metrics in words ("1 node evaluated; exhausted: memory (1)"). */
export function describePlacementFailure(m: AllocMetric): string {
  const parts = [`${m.NodesEvaluated ?? 0} node(s) evaluated`];
  const list = (o: Record<string, number> | null | undefined) =>
    Object.entries(o ?? {})
      .map(([k, v]) => `${k} (${v})`)
      .join(', ');
  if (m.NodesEvaluated === 0 && Object.keys(m.NodesAvailable ?? {}).length === 0) parts.push('no node is ready in the job\'s datacenters');
  if (list(m.ClassFiltered)) parts.push(`class filtered: ${list(m.ClassFiltered)}`);
  if (list(m.ConstraintFiltered)) parts.push(`constraint filtered: ${list(m.ConstraintFiltered)}`);
  if (list(m.DimensionExhausted)) parts.push(`exhausted: ${list(m.DimensionExhausted)}`);
  return parts.join('; ');
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    }, { once: true });
  });

/** Registers `job` (API JSON, `{"Job": {...}}`) and follows it. Throws NomadRequestError for request failures. */
export async function submitJob(job: { Job: Record<string, unknown> }, target: NomadTarget, opts: SubmitOptions = {}): Promise<SubmitResult> {
  const client = new NomadClient(target);
  const emit = opts.onEvent ?? (() => undefined);
  const jobId = String(job.Job.ID);
  const registered = await client.request<RegisterResponse>('POST', '/v1/jobs', job);
  const evalId = registered.EvalID ?? '';
  emit({ kind: 'registered', jobId, evalId, warnings: registered.Warnings ?? '' });
  if (opts.detach || !evalId) return { jobId, evalId, outcome: 'registered' };

  const deadline = Date.now() + (opts.timeoutMs ?? 5 * 60_000);
  const pollMs = opts.pollMs ?? 1000;
  let evalStatus = '';
  let placementReported = false;
  const seenAllocStatus = new Map<string, string>();
  const seenTaskState = new Map<string, string>();
  const seenEvents = new Set<string>();

  while (Date.now() < deadline) {
    const ev = await client.request<Evaluation>('GET', `/v1/evaluation/${encodeURIComponent(evalId)}`);
    if (ev.Status !== evalStatus) {
      evalStatus = ev.Status;
      emit({ kind: 'evaluation', evalId, status: ev.Status, description: ev.StatusDescription ?? '' });
    }
    if (ev.Status === 'failed' || ev.Status === 'canceled') {
      return { jobId, evalId, outcome: 'failed', reason: `evaluation ${ev.Status}${ev.StatusDescription ? `: ${ev.StatusDescription}` : ''}` };
    }
    const failedGroups = Object.entries(ev.FailedTGAllocs ?? {});
    if (ev.Status === 'complete' && failedGroups.length > 0) {
      if (!placementReported) {
        for (const [group, m] of failedGroups) emit({ kind: 'placement-failed', group, detail: describePlacementFailure(m) });
        placementReported = true;
      }
      const [group, m] = failedGroups[0]!;
      return { jobId, evalId, outcome: 'failed', reason: `Nomad could not place group "${group}": ${describePlacementFailure(m)}` };
    }

    if (ev.Status === 'complete') {
      const allocs = (await client.request<AllocStub[]>('GET', `/v1/evaluation/${encodeURIComponent(evalId)}/allocations`)).filter((a) => a.JobID === jobId);
      for (const a of allocs) {
        if (seenAllocStatus.get(a.ID) !== a.ClientStatus) {
          seenAllocStatus.set(a.ID, a.ClientStatus);
          emit({ kind: 'allocation', allocId: a.ID, clientStatus: a.ClientStatus, ...(a.NodeName ? { node: a.NodeName } : {}) });
        }
        for (const [task, state] of Object.entries(a.TaskStates ?? {})) {
          for (const e of state.Events ?? []) {
            const key = `${a.ID}/${task}/${e.Time}/${e.Type}`;
            if (seenEvents.has(key)) continue;
            seenEvents.add(key);
            emit({
              kind: 'task-event',
              allocId: a.ID,
              task,
              time: new Date(Math.floor(e.Time / 1e6)).toISOString(),
              type: e.Type,
              message: e.DisplayMessage || e.DriverError || e.Message || '',
            });
          }
          const stateKey = `${state.State}/${state.Failed}`;
          if (seenTaskState.get(`${a.ID}/${task}`) !== stateKey) {
            seenTaskState.set(`${a.ID}/${task}`, stateKey);
            emit({ kind: 'task-state', allocId: a.ID, task, state: state.State, failed: state.Failed });
          }
          if (state.State === 'running') return { jobId, evalId, allocId: a.ID, outcome: 'running' };
          if (state.State === 'dead' && state.Failed) {
            const last = [...(state.Events ?? [])].reverse().find((e) => e.DisplayMessage || e.DriverError || e.Message);
            return { jobId, evalId, allocId: a.ID, outcome: 'failed', reason: `task "${task}" failed${last ? `: ${last.Type}: ${last.DisplayMessage || last.DriverError || last.Message}` : ''}` };
          }
        }
        if (a.ClientStatus === 'failed' || a.ClientStatus === 'lost') {
          return { jobId, evalId, allocId: a.ID, outcome: 'failed', reason: `allocation ${a.ID.slice(0, 8)} is ${a.ClientStatus}` };
        }
      }
    }
    await sleep(pollMs, opts.signal);
  }
  return { jobId, evalId, outcome: 'timeout', reason: `the task was neither running nor failed after ${Math.round((opts.timeoutMs ?? 300_000) / 1000)}s` };
}

/** Exports a task as a job and submits it (what the app's Submit action calls). */
export async function submitTask(task: Task, target: NomadTarget, opts: SubmitOptions & ExportOptions = {}): Promise<SubmitResult> {
  const job = toApiJson(exportJob(task, opts), target);
  return submitJob(job, target, opts);
}

export { NomadRequestError };
