// Internal snapshots of a VM: `vmdesk snapshot NAME save|ls|restore|rm [TAG]` and the app's Snapshots
// section. A running VM: QMP jobs (snapshot-save / snapshot-load / snapshot-delete, QEMU >= 6.0) with the VM
// state and every writable qcow2 drive; the job runs inside QEMU, so a vmdesk killed mid-save leaves a VM
// and an image that QEMU finished or rolled back (the left-over job is dismissed by the next call). A
// stopped VM: `qemu-img snapshot` on its disk (disk only; no VM state), under the VM's lock so it cannot
// start meanwhile. A disposable VM's snapshots live in its overlay and go with it.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import type { Snapshot } from '../../shared/snapshot';
import type { VmEvent } from '../../shared/vm';
import { vmsDir } from '../store/paths';
import type { SupervisorApi } from '../supervisor/api';
import { acquireLock } from '../supervisor/lock';
import { qemuImgFor } from '../supervisor/overlay';
import { isLive } from '../supervisor/state-machine';
import { readRecord, type StateRecord } from '../supervisor/state-record';
import { makeEvent } from '../supervisor/vm-session';
import { optValue } from '../driver/qemu-syntax';
import { checkTag, explainJobError, fromQemu, notQcow2Message, snapshotsOfBlocks, snapshotTargets, type BlockDevice, type QemuSnapshot } from './snapshot-rules';

/** Progress of a snapshot job: QEMU's job status and the time so far (snapshot jobs report no finer progress). */
export interface SnapshotProgress {
  op: 'save' | 'restore' | 'delete';
  tag: string;
  status: string;
  elapsedMs: number;
}

/** What the snapshot functions need: the supervisor (QMP, events) and $VMDESK_HOME (records of stopped VMs). */
export interface SnapshotContext {
  sup: SupervisorApi;
  home: string;
  onProgress?: (p: SnapshotProgress) => void;
}

/** Where a VM's snapshots are: in QEMU (running), or in the disk file (stopped). */
type Where = { live: true } | { live: false; record: StateRecord; file: string; format: string; qemuImg: string };

const JOB_PREFIX = 'vmdesk-snap-';
/** How often a job's status is asked for when QEMU's JOB_STATUS_CHANGE does not come first (jobs take 100 ms to minutes). */
const POLL_MS = 50;

/** Lists the snapshots of a VM (running or stopped). */
export async function listSnapshots(ctx: SnapshotContext, name: string): Promise<Snapshot[]> {
  const w = await where(ctx, name);
  if (w.live) return snapshotsOfBlocks(await ctx.sup.qmp<BlockDevice[]>(name, 'query-block'));
  return stoppedSnapshots(w);
}

/** Saves snapshot `tag` (VM state included when running). */
export async function saveSnapshot(ctx: SnapshotContext, name: string, tag: string): Promise<Snapshot> {
  checkTag(tag);
  const w = await where(ctx, name);
  const existing = w.live ? snapshotsOfBlocks(await ctx.sup.qmp<BlockDevice[]>(name, 'query-block')) : await stoppedSnapshots(w);
  if (existing.some((s) => s.tag === tag)) throw explainJobError(name, 'save', tag, `Snapshot '${tag}' already exists`);
  return step(ctx, name, 'save', tag, w.live, async () => {
    if (w.live) {
      const t = snapshotTargets(name, await ctx.sup.qmp<BlockDevice[]>(name, 'query-block'));
      await runJob(ctx, name, 'save', tag, 'snapshot-save', { tag, vmstate: t.vmstate, devices: t.devices });
    } else {
      await qemuImgSnapshot(w, name, ['-c', tag]);
    }
    const saved = (await listSnapshots(ctx, name)).find((s) => s.tag === tag);
    if (!saved) throw new VmdeskError('SNAPSHOT_FAILED', `snapshot "${tag}" of ${name} was not found after saving it`);
    return saved;
  });
}

/** Restores snapshot `tag`: a running VM goes on from the saved state; a stopped VM's disk goes back. */
export async function restoreSnapshot(ctx: SnapshotContext, name: string, tag: string): Promise<Snapshot> {
  checkTag(tag);
  const w = await where(ctx, name);
  const snap = (await listSnapshots(ctx, name)).find((s) => s.tag === tag);
  if (!snap) throw explainJobError(name, 'restore', tag, 'does not exist');
  if (w.live && snap.vmStateBytes === 0) {
    throw new VmdeskError('SNAPSHOT_UNSUPPORTED', `snapshot "${tag}" of ${name} holds no VM state (it was taken while the VM was stopped); stop the VM, then restore it (the disk goes back; the next start boots from it)`);
  }
  return step(ctx, name, 'restore', tag, w.live, async () => {
    if (w.live) {
      const t = snapshotTargets(name, await ctx.sup.qmp<BlockDevice[]>(name, 'query-block'));
      await runJob(ctx, name, 'restore', tag, 'snapshot-load', { tag, vmstate: t.vmstate, devices: t.devices });
    } else {
      await qemuImgSnapshot(w, name, ['-a', tag]);
    }
    return snap;
  });
}

/** Deletes snapshot `tag`. */
export async function deleteSnapshot(ctx: SnapshotContext, name: string, tag: string): Promise<Snapshot> {
  checkTag(tag);
  const w = await where(ctx, name);
  const snap = (await listSnapshots(ctx, name)).find((s) => s.tag === tag);
  if (!snap) throw explainJobError(name, 'delete', tag, 'does not exist');
  return step(ctx, name, 'delete', tag, w.live, async () => {
    if (w.live) {
      const t = snapshotTargets(name, await ctx.sup.qmp<BlockDevice[]>(name, 'query-block'));
      await runJob(ctx, name, 'delete', tag, 'snapshot-delete', { tag, devices: t.devices });
    } else {
      await qemuImgSnapshot(w, name, ['-d', tag]);
    }
    return snap;
  });
}

const PAST: Record<SnapshotProgress['op'], string> = { save: 'saved', restore: 'restored', delete: 'deleted' };
const ING: Record<SnapshotProgress['op'], string> = { save: 'saving', restore: 'restoring', delete: 'deleting' };

/** One operation with its events: begun, done (with the time it took) or failed (with the reason). */
async function step(ctx: SnapshotContext, name: string, op: SnapshotProgress['op'], tag: string, live: boolean, work: () => Promise<Snapshot>): Promise<Snapshot> {
  const how = live ? 'QMP job, VM running' : 'qemu-img, VM stopped';
  const event = (kind: VmEvent['kind'], type: string, message: string, data: Record<string, unknown>) => ctx.sup.recordVmEvent(name, makeEvent(kind, type, message, { tag, ...data }));
  event('lifecycle', `snapshot-${op}-started`, `snapshot ${tag}: ${ING[op]} (${how})`, { live });
  const started = Date.now();
  try {
    const s = await work();
    const durationMs = Date.now() - started;
    event('lifecycle', `snapshot-${PAST[op]}`, `snapshot ${tag}: ${PAST[op]} in ${(durationMs / 1000).toFixed(1)} s`, { live, durationMs, vmStateBytes: s.vmStateBytes });
    return s;
  } catch (err) {
    event('error', `snapshot-${op}-failed`, `snapshot ${tag}: ${op} failed: ${(err as Error).message}`, { live });
    throw err;
  }
}

/** Runs one QMP snapshot job to its end (woken by its status events, checked with query-jobs), dismisses it, and throws its error explained. */
async function runJob(ctx: SnapshotContext, name: string, op: SnapshotProgress['op'], tag: string, command: string, args: Record<string, unknown>): Promise<void> {
  await dismissLeftovers(ctx.sup, name);
  const id = `${JOB_PREFIX}${op}-${randomBytes(4).toString('hex')}`;
  const started = Date.now();
  // QEMU announces each status change (JOB_STATUS_CHANGE, forwarded as a timeline event): the wait ends on it,
  // so the job's end is seen at once; query-jobs stays the truth (and the poll the fallback).
  const wake = jobWake(ctx.sup, name, id);
  try {
    await ctx.sup.qmp(name, command, { 'job-id': id, ...args });
    await followJob(ctx, name, op, tag, id, started, wake.wait);
  } finally {
    wake.off();
  }
}

/** Follows job `id` until it concludes (progress reported on each status and every second), then dismisses it. */
async function followJob(
  ctx: SnapshotContext,
  name: string,
  op: SnapshotProgress['op'],
  tag: string,
  id: string,
  started: number,
  wait: (ms: number) => Promise<void>,
): Promise<void> {
  let last = '';
  let lastReport = 0;
  for (;;) {
    const jobs = await ctx.sup.qmp<Array<{ id: string; status: string; error?: string }>>(name, 'query-jobs');
    const job = jobs.find((j) => j.id === id);
    if (!job) throw new VmdeskError('SNAPSHOT_FAILED', `snapshot job ${id} of ${name} vanished (dismissed by someone else?)`);
    const elapsedMs = Date.now() - started;
    if (job.status !== last || elapsedMs - lastReport >= 1_000) {
      ctx.onProgress?.({ op, tag, status: job.status, elapsedMs });
      last = job.status;
      lastReport = elapsedMs;
    }
    if (job.status === 'concluded') {
      await ctx.sup.qmp(name, 'job-dismiss', { id }).catch(() => undefined);
      if (job.error) throw explainJobError(name, op, tag, job.error);
      return;
    }
    await wait(POLL_MS);
  }
}

/** A wait of at most `ms` that ends early when QEMU reports a status change of job `id` (one seen since the last wait counts). */
function jobWake(sup: SupervisorApi, name: string, id: string): { wait: (ms: number) => Promise<void>; off: () => void } {
  let changed = false;
  let wakeNow: (() => void) | undefined;
  const off = sup.on('event', (vm, ev) => {
    if (vm !== name || ev.kind !== 'qmp' || ev.type !== 'JOB_STATUS_CHANGE' || ev.data?.id !== id) return;
    changed = true;
    wakeNow?.();
  });
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (changed) {
        changed = false;
        return resolve();
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeNow = undefined;
        changed = false;
        resolve();
      }
      wakeNow = done;
    });
  return { wait, off };
}

/** Dismisses concluded jobs a killed vmdesk left behind (QEMU keeps them until dismissed). */
async function dismissLeftovers(sup: SupervisorApi, name: string): Promise<void> {
  const jobs = await sup.qmp<Array<{ id: string; status: string }>>(name, 'query-jobs');
  for (const j of jobs) if (j.id.startsWith(JOB_PREFIX) && j.status === 'concluded') await sup.qmp(name, 'job-dismiss', { id: j.id }).catch(() => undefined);
  if (jobs.some((j) => j.id.startsWith(JOB_PREFIX) && j.status !== 'concluded')) {
    throw new VmdeskError('VM_LOCKED', `another snapshot operation on ${name} is still running; wait for it to finish (vmdesk events ${name})`);
  }
}

/** Running, or the stopped VM's disk file (which must be qcow2). */
async function where(ctx: SnapshotContext, name: string): Promise<Where> {
  const info = await ctx.sup.inspect(name);
  if (info.state === 'running' || info.state === 'paused') return { live: true };
  if (isLive(info.state)) throw new VmdeskError('VM_RUNNING', `${name} is ${info.state}; wait until it is running or stopped`);
  const r = readRecord(join(vmsDir(ctx.home), name));
  if (!r.ok) throw new VmdeskError('VM_NOT_FOUND', `no VM named ${name}`);
  const { plan } = r.record;
  const qemuImg = qemuImgFor(plan.binary);
  if (plan.task.disposable) {
    if (!plan.paths.overlay || !existsSync(plan.paths.overlay)) {
      throw new VmdeskError('SNAPSHOT_NOT_FOUND', `${name} is disposable and stopped, and its overlay is gone: its snapshots went with it. Start it to take new ones`);
    }
    return { live: false, record: r.record, file: plan.paths.overlay, format: 'qcow2', qemuImg };
  }
  if (plan.image.format !== 'qcow2') throw new VmdeskError('SNAPSHOT_UNSUPPORTED', notQcow2Message(name, plan.image.path, plan.image.format));
  return { live: false, record: r.record, file: plan.image.path, format: plan.image.format, qemuImg };
}

async function stoppedSnapshots(w: Extract<Where, { live: false }>): Promise<Snapshot[]> {
  const { execa } = await import('execa');
  const r = await execa(w.qemuImg, ['info', '-U', '--output=json', '-f', w.format, w.file], { reject: false });
  if (r.exitCode !== 0) throw new VmdeskError('SNAPSHOT_FAILED', `qemu-img info ${w.file}: ${String(r.stderr).trim()}`);
  const info = JSON.parse(String(r.stdout)) as { snapshots?: QemuSnapshot[] };
  return (info.snapshots ?? []).map(fromQemu);
}

/** `qemu-img snapshot <op> TAG FILE` under the VM's lock (a start waits; qemu-img also takes QEMU's image lock). */
async function qemuImgSnapshot(w: Extract<Where, { live: false }>, name: string, op: [string, string]): Promise<void> {
  const lock = await acquireLock(w.record.plan.paths.vmDir, 'snapshot', 5_000);
  try {
    const { execa } = await import('execa');
    // qemu-img snapshot has no -f: --image-opts keeps the format explicit (never probed) and the path escaped.
    const image = `driver=${w.format},file.driver=file,file.filename=${optValue(w.file)}`;
    const r = await execa(w.qemuImg, ['snapshot', '--image-opts', ...op, image], { reject: false, all: true });
    if (r.exitCode !== 0) {
      const why = String(r.all ?? r.stderr).trim();
      if (/lock/i.test(why)) throw new VmdeskError('VM_LOCKED', `${w.file} is in use by another process (${why}); is ${name} running elsewhere?`);
      throw explainJobError(name, op[0] === '-c' ? 'save' : op[0] === '-a' ? 'restore' : 'delete', op[1], why);
    }
  } finally {
    lock.release();
  }
}
