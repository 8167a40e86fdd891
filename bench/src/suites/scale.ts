// Scale: 1, 2, 4 and 8 test guests (128 MiB each) started together.
//   raw     N qemu-system-x86_64 started together from their plans, until every QMP answers.
//   vmdesk  one supervisor in a worker process: start() of all N at once, until all resolve; then, while
//           they run untouched, the worker's RSS and CPU from /proc; per-VM overhead = (RSS with N VMs -
//           RSS with none) / N; then the worker is SIGKILLed, a new one is forked and recover() times the
//           re-attach of all N.
//   idle    32 test guests (128 MiB) started paused ("-S" in config.args: QEMU is up with its QMP, ports and
//           console, but no guest code runs, so 32 need no boot on 2 cores); all 32 started together by
//           one supervisor; SIGKILL of it, a new one's recover() timed; then `vmdesk ls` as a whole process
//           with those 32 against `vmdesk ls` in a home with none.
import { dirname } from 'node:path';
import { nowMs, sleep } from '../lib/clock';
import { planGuest, writeGuestTask } from '../lib/guest-task';
import { cpuTimeMs, memoryOf } from '../lib/proc-stats';
import { killGroup } from '../lib/processes';
import { prepareDirs, spawnRaw } from '../lib/raw-qemu';
import { rawQmp } from '../lib/raw-qmp';
import { figure, type Figure } from '../lib/results';
import { alternation, runSchedule, type RunOutput } from '../lib/schedule';
import { percentile } from '../lib/stats';
import { benchHome } from '../lib/vmdesk-env';
import { vmdesk } from '../lib/cli';
import type { RecoverResult, StartResult } from '../worker/protocol';
import { forkWorker } from '../worker/worker-client';
import type { Suite, SuiteContext, SuiteOutput } from '../suite';

const COUNTS = [1, 2, 4, 8] as const;
const IDLE_COUNT = 32;
const MB = 1e6;

async function runRaw(ctx: SuiteContext, n: number): Promise<RunOutput> {
  const h = benchHome(ctx, `scale-raw${n}`);
  const plans = await Promise.all(Array.from({ length: n }, (_, i) => planGuest(dirname(writeGuestTask(h.tasks, `vm${i}`, ctx.guest.disk)), `vm${i}`, h.env)));
  plans.forEach(prepareDirs);
  const t0 = nowMs();
  const qemus = plans.map((p) => spawnRaw(p));
  try {
    await Promise.all(
      plans.map(async (p) => {
        const q = await rawQmp(p.paths.qmpSocket, 60_000);
        await q.execute('query-status');
        q.close();
      }),
    );
    return { all: nowMs() - t0 };
  } finally {
    for (const q of qemus) killGroup(q.pid);
    await Promise.all(qemus.map((q) => q.exited));
  }
}

async function runVmdesk(ctx: SuiteContext, n: number, idleMs: number, warmup: boolean): Promise<RunOutput> {
  const h = benchHome(ctx, `scale-sup${n}`);
  const taskFiles = Array.from({ length: n }, (_, i) => writeGuestTask(h.tasks, `vm${i}`, ctx.guest.disk));
  let w = await forkWorker(ctx.root, h.env);
  try {
    await sleep(500);
    const rss0 = memoryOf(w.pid)!.rss;
    const started = await w.call<StartResult>('start', { taskFiles });
    // A warm-up run warms the start path (page cache, QEMU's files); its idle window and re-attach would
    // only be thrown away.
    if (warmup) return { all: started.ms };
    // Idle: nobody asks the supervisor anything; sample RSS, and CPU time over the whole window.
    const cpu0 = cpuTimeMs(w.pid)!;
    const t0 = nowMs();
    const rss: number[] = [];
    while (nowMs() - t0 < idleMs) {
      await sleep(250);
      rss.push(memoryOf(w.pid)!.rss);
    }
    const cpuPercent = ((cpuTimeMs(w.pid)! - cpu0) / (nowMs() - t0)) * 100;
    const rssIdle = percentile(rss, 50);
    // Re-attach: SIGKILL the supervisor (its QEMUs run on), start another, recover().
    await w.kill();
    w = await forkWorker(ctx.root, h.env);
    const recovered = await w.call<RecoverResult>('recover');
    const recoveredAt = nowMs();
    if (recovered.running !== n) throw new Error(`recover() re-attached ${recovered.running} of ${n} VMs`);
    return {
      all: started.ms,
      rss: rssIdle / MB,
      rss0: rss0 / MB,
      perVm: (rssIdle - rss0) / n / MB,
      cpu: cpuPercent,
      reattach: recovered.ms,
      reattachFromLaunch: recoveredAt - w.launchedAt,
    };
  } finally {
    await w.call('kill-all').catch(() => undefined);
    await w.call('close').catch(() => undefined);
    await w.kill();
  }
}

/** One round of the 32 paused guests: the re-attach after SIGKILL, and `vmdesk ls` with them and with none. */
async function runIdle(ctx: SuiteContext, lsRounds: number): Promise<{ reattach: number; reattachFromLaunch: number; lsWith: number[]; lsNone: number[] }> {
  const h = benchHome(ctx, `scale-idle${IDLE_COUNT}`);
  const empty = benchHome(ctx, 'scale-idle-none');
  const taskFiles = Array.from({ length: IDLE_COUNT }, (_, i) => writeGuestTask(h.tasks, `idle${i}`, ctx.guest.disk, ['-S']));
  let w = await forkWorker(ctx.root, h.env);
  try {
    await w.call<StartResult>('start', { taskFiles });
    await w.kill();
    w = await forkWorker(ctx.root, h.env);
    const recovered = await w.call<RecoverResult>('recover');
    const recoveredAt = nowMs();
    if (recovered.live !== IDLE_COUNT) throw new Error(`recover() re-attached ${recovered.live} of ${IDLE_COUNT} paused VMs`);
    const lsWith: number[] = [];
    const lsNone: number[] = [];
    // Side by side, alternating, so a load change hits both alike.
    for (let i = 0; i < lsRounds; i++) {
      for (const [env, into] of [[h.env, lsWith], [empty.env, lsNone]] as const) {
        const t0 = nowMs();
        const r = await vmdesk(ctx.root, ['ls'], env);
        into.push(r.exitedAt - t0);
      }
    }
    return { reattach: recovered.ms, reattachFromLaunch: recoveredAt - w.launchedAt, lsWith, lsNone };
  } finally {
    await w.call('kill-all').catch(() => undefined);
    await w.call('close').catch(() => undefined);
    await w.kill();
  }
}

/** The idle window over which RSS and CPU are sampled: the 8-VM case has the targets; quick runs trim the rest. */
function idleWindowMs(quick: boolean, n: number): number {
  if (!quick) return 10_000;
  return n === 8 ? 3_000 : 1_500;
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const rounds = ctx.quick ? 1 : 3;
  const figures: Figure[] = [];
  const group = 'Scale';
  for (const n of COUNTS) {
    const idleMs = idleWindowMs(ctx.quick, n);
    const s = await runSchedule(alternation(['raw', 'vmdesk'] as const, rounds, n === 1 ? ctx.warmupRounds : 0), async (variant, at) => {
      ctx.log(`scale: ${n} VM(s), round ${at.round}${at.warmup ? ' (warm-up)' : ''}: ${variant}`);
      return variant === 'raw' ? runRaw(ctx, n) : runVmdesk(ctx, n, idleMs, at.warmup);
    });
    const v = s.vmdesk;
    figures.push(figure({ id: `scale.${n}.all-running`, group, title: `${n} VM(s) started together: until all are running`, unit: 'ms' }, v.all!, { label: `${n} × qemu-system-x86_64 started together, QMP polled`, samples: s.raw.all! }));
    figures.push(figure({ id: `scale.${n}.rss`, group, title: `${n} VM(s): supervisor RSS while they run untouched`, unit: 'MB' }, v.rss!, { label: 'the same supervisor with no VM', samples: v.rss0! }));
    figures.push(figure({ id: `scale.${n}.cpu`, group, title: `${n} VM(s): supervisor CPU while they run untouched`, unit: '% of one core', note: `CPU time over a ${idleMs / 1000} s window, from /proc/<pid>/stat` }, v.cpu!));
    figures.push(figure({ id: `scale.${n}.per-vm`, group, title: `${n} VM(s): supervisor RSS per VM ((RSS − RSS with none) / N)`, unit: 'MB' }, v.perVm!));
    figures.push(figure({ id: `scale.${n}.reattach`, group, title: `${n} VM(s): re-attach all after SIGKILL of the supervisor (recover())`, unit: 'ms', note: `${(idleMs + 500) / 1000} s or so after the start: the guests are still booting under TCG, so every QMP answer waits for a busy QEMU (bench/findings.md has the same with booted, idle guests)` }, v.reattach!));
    figures.push(figure({ id: `scale.${n}.reattach-launch`, group, title: `${n} VM(s): re-attach all, from launching the new supervisor process`, unit: 'ms', note: 'includes Node start-up and loading the supervisor' }, v.reattachFromLaunch!));
  }
  ctx.log(`scale: ${IDLE_COUNT} paused VMs: re-attach and vmdesk ls`);
  const idleRuns = [];
  for (let r = 0; r < rounds; r++) idleRuns.push(await runIdle(ctx, ctx.quick ? 5 : 11));
  const idleNote = `${IDLE_COUNT} test guests (128 MiB) started paused with "-S" in config.args: QEMU runs with QMP, ports and console, no guest code runs`;
  figures.push(figure({ id: `scale.${IDLE_COUNT}.reattach`, group, title: `${IDLE_COUNT} paused VMs: re-attach all after SIGKILL of the supervisor (recover())`, unit: 'ms', note: idleNote }, idleRuns.map((r) => r.reattach)));
  figures.push(figure({ id: `scale.${IDLE_COUNT}.reattach-launch`, group, title: `${IDLE_COUNT} paused VMs: re-attach all, from launching the new supervisor process`, unit: 'ms', note: 'includes Node start-up and loading the supervisor' }, idleRuns.map((r) => r.reattachFromLaunch)));
  figures.push(figure({ id: `scale.${IDLE_COUNT}.ls`, group, title: `vmdesk ls with ${IDLE_COUNT} VMs (whole process)`, unit: 'ms', note: idleNote }, idleRuns.flatMap((r) => r.lsWith), { label: 'vmdesk ls with no VM', samples: idleRuns.flatMap((r) => r.lsNone) }));
  // The per-VM target is about the 8-VM case.
  const eight = figures.find((f) => f.id === 'scale.8.per-vm');
  if (eight) figures.push({ ...eight, id: 'scale.per-vm', title: 'per-VM overhead in the supervisor (8 VMs)' });
  return { figures, notes: ['Scale: "while they run untouched" means no request reaches the supervisor; the guests themselves are booting or idle under TCG.'] };
}

/** The scale suite. */
export const scaleSuite: Suite = {
  name: 'scale',
  promises: [
    { id: 'scale.8.rss', group: 'Scale', title: '8 VM(s): supervisor RSS while they run untouched' },
    { id: 'scale.8.cpu', group: 'Scale', title: '8 VM(s): supervisor CPU while they run untouched' },
    { id: 'scale.per-vm', group: 'Scale', title: 'per-VM overhead in the supervisor (8 VMs)' },
    { id: 'scale.8.reattach', group: 'Scale', title: '8 VM(s): re-attach all after SIGKILL of the supervisor (recover())' },
  ],
  run,
};
