// Start and stop of the real test guest under TCG, A B C A B C after a warm-up:
//   raw     qemu-system-x86_64 with the plan's argv, started directly; QMP polled (connect retried every
//           ms, capabilities, query-status); ready marker from the console log; stop = QMP
//           system_powerdown to the process exit (the guest's own shutdown time).
//   vmdesk  the supervisor API in this process: start() to its return (QMP ready), stop() to its return.
//   cli     `vmdesk start` / `vmdesk stop` as whole processes (Node start-up included).
// Exit noticed = the supervisor's "exited" notification (in-process) minus the moment the QEMU process was
// seen gone by an independent observer process (bench/exit-watch.mjs); sampled at every graceful stop and,
// in the measured rounds that do not boot the guest, at a SIGKILL stop right after QMP ready.
import { dirname } from 'node:path';
import { createSupervisor } from '../../../src/main/supervisor/supervisor';
import { DEFAULT_DRIVER_CONFIG } from '../../../src/shared/driver-config';
import { isLive } from '../../../src/shared/vm';
import { vmPaths } from '../../../src/main/store/paths';
import type { SupervisorApi } from '../../../src/main/supervisor/api';
import { vmdesk } from '../lib/cli';
import { nowMs } from '../lib/clock';
import { fileSize, waitForMarker } from '../lib/console-watch';
import { watchExit } from '../lib/exit-watch';
import { planGuest, writeGuestTask } from '../lib/guest-task';
import { killGroup } from '../lib/processes';
import { prepareDirs, spawnRaw } from '../lib/raw-qemu';
import { rawQmp } from '../lib/raw-qmp';
import { figure, type Figure } from '../lib/results';
import { alternation, runSchedule, type RunOutput } from '../lib/schedule';
import { benchHome, type BenchHome } from '../lib/vmdesk-env';
import type { Suite, SuiteContext, SuiteOutput } from '../suite';

const NAME = 'bench';
const BOOT_TIMEOUT_MS = 180_000;

/**
 * How a run ends. `boot`: the guest boots to its marker and is stopped gracefully (marker, stop and exit
 * figures). `kill`: QEMU is SIGKILLed right after QMP ready, with the exit observer watching: one more
 * "exit noticed" sample without waiting for a boot. `none`: warm-up runs.
 */
type RunKind = 'boot' | 'kill' | 'none';

async function runRaw(ctx: SuiteContext, h: BenchHome, taskFile: string, kind: RunKind): Promise<RunOutput> {
  const full = kind === 'boot';
  const plan = await planGuest(dirname(taskFile), NAME, h.env); // the raw user already has the argv
  prepareDirs(plan);
  const offset = fileSize(plan.paths.consoleLog);
  const t0 = nowMs();
  const q = spawnRaw(plan);
  try {
    const qmp = await rawQmp(plan.paths.qmpSocket, 30_000);
    await qmp.execute('query-status');
    const tQmp = nowMs();
    if (!full) {
      qmp.close();
      const w = kind === 'kill' ? await watchExit(ctx.root, q.pid) : undefined;
      killGroup(q.pid);
      const tChildExit = await q.exited.then(() => nowMs());
      if (!w) return { qmp: tQmp - t0 };
      return { qmp: tQmp - t0, noticed: tChildExit - (await w.exited) };
    }
    const tMarker = await waitForMarker(plan.paths.consoleLog, ctx.guest.markers.ready, offset, BOOT_TIMEOUT_MS);
    const w = await watchExit(ctx.root, q.pid);
    const tPowerdown = nowMs();
    await qmp.execute('system_powerdown');
    const tChildExit = await q.exited.then(() => nowMs()); // this process is QEMU's parent: its own exit event
    const tExit = await w.exited;
    qmp.close();
    return { qmp: tQmp - t0, marker: tMarker - t0, stop: tExit - tPowerdown, noticed: tChildExit - tExit };
  } finally {
    killGroup(q.pid);
  }
}

async function runInProcess(ctx: SuiteContext, sup: SupervisorApi, h: BenchHome, taskFile: string, kind: RunKind): Promise<RunOutput> {
  const full = kind === 'boot';
  const consoleLog = vmPaths(h.home, NAME, { disposable: false, guestAgent: true }, h.env).consoleLog;
  const offset = fileSize(consoleLog);
  // Where start time goes: planning alone (the same work start() does first), timed before the start.
  const tPlan = nowMs();
  await sup.plan({ taskFile });
  const planMs = nowMs() - tPlan;
  const t0 = nowMs();
  const info = await sup.start({ taskFile });
  const tQmp = nowMs();
  try {
    if (kind === 'kill') {
      const w = await watchExit(ctx.root, info.pid!);
      let tNotice: number | undefined;
      const off = sup.on('vm', (i) => {
        if (i.name === NAME && !isLive(i.state)) tNotice ??= nowMs();
      });
      await sup.stop(NAME, { force: true });
      off();
      const tExit = await w.exited;
      return { qmp: tQmp - t0, plan: planMs, noticed: (tNotice ?? nowMs()) - tExit };
    }
    if (!full) return { qmp: tQmp - t0, plan: planMs };
    const tMarker = await waitForMarker(consoleLog, ctx.guest.markers.ready, offset, BOOT_TIMEOUT_MS);
    const w = await watchExit(ctx.root, info.pid!);
    let tNotice: number | undefined;
    const off = sup.on('vm', (i) => {
      if (i.name === NAME && !isLive(i.state)) tNotice ??= nowMs();
    });
    const tStop = nowMs();
    const r = await sup.stop(NAME);
    const tReturn = nowMs();
    off();
    const tExit = await w.exited;
    if (r.step !== 'powerdown') throw new Error(`the graceful stop ended by ${r.step}, not by the guest powering off`);
    return { qmp: tQmp - t0, plan: planMs, marker: tMarker - t0, stop: tReturn - tStop, noticed: (tNotice ?? tReturn) - tExit, returned: tReturn - tExit };
  } finally {
    const now = await sup.inspect(NAME).catch(() => undefined);
    if (now && isLive(now.state)) await sup.stop(NAME, { force: true });
  }
}

async function runCli(ctx: SuiteContext, h: BenchHome, taskFile: string, kind: RunKind): Promise<RunOutput> {
  const full = kind === 'boot';
  const consoleLog = vmPaths(h.home, NAME, { disposable: false, guestAgent: true }, h.env).consoleLog;
  const offset = fileSize(consoleLog);
  const t0 = nowMs();
  const started = await vmdesk(ctx.root, ['start', taskFile, '--json'], h.env);
  const pid = (JSON.parse(started.stdout) as { vm: { pid: number } }).vm.pid;
  try {
    if (!full) return { qmp: started.exitedAt - t0 };
    const tMarker = await waitForMarker(consoleLog, ctx.guest.markers.ready, offset, BOOT_TIMEOUT_MS);
    const w = await watchExit(ctx.root, pid);
    const tStop = nowMs();
    const stopped = await vmdesk(ctx.root, ['stop', NAME, '--json'], h.env);
    const tExit = await w.exited;
    const step = (JSON.parse(stopped.stdout) as { step: string }).step;
    if (step !== 'powerdown') throw new Error(`vmdesk stop ended by ${step}, not by the guest powering off`);
    return { qmp: started.exitedAt - t0, marker: tMarker - t0, stop: stopped.exitedAt - tStop, returned: stopped.exitedAt - tExit };
  } finally {
    try {
      process.kill(pid, 0);
      await vmdesk(ctx.root, ['stop', NAME, '--force', '--json'], h.env).catch(() => undefined);
    } catch {
      // already gone
    }
  }
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const homes = { raw: benchHome(ctx, 'raw'), vmdesk: benchHome(ctx, 'sup'), cli: benchHome(ctx, 'cli') };
  const tasks = {
    raw: writeGuestTask(homes.raw.tasks, NAME, ctx.guest.disk),
    vmdesk: writeGuestTask(homes.vmdesk.tasks, NAME, ctx.guest.disk),
    cli: writeGuestTask(homes.cli.tasks, NAME, ctx.guest.disk),
  };
  // The CLI variant needs `vmdesk start`/`stop`; without them the other variants still run.
  const help = await vmdesk(ctx.root, ['help'], process.env).catch((e: Error) => ({ stdout: e.message }));
  const hasCli = /\bstart\b/.test(help.stdout) && /\bstop\b/.test(help.stdout);
  const missingReasons: Record<string, string> = {};
  if (!hasCli) for (const id of ['start.qmp.cli', 'start.marker.cli', 'stop.cli']) missingReasons[id] = 'the built CLI has no `start`/`stop` command';
  const sup = createSupervisor({ home: homes.vmdesk.home, env: homes.vmdesk.env, driverConfig: () => DEFAULT_DRIVER_CONFIG });
  try {
    const variants = hasCli ? (['raw', 'vmdesk', 'cli'] as const) : (['raw', 'vmdesk'] as const);
    const schedule = alternation<'raw' | 'vmdesk' | 'cli'>(variants, ctx.rounds, ctx.warmupRounds);
    const s = await runSchedule(schedule, async (variant, at) => {
      // Warm-up runs stop at QMP ready: they warm the caches, not the guest. Booting the guest to its
      // marker takes 7 s on a quiet machine and far more under load: a quick run boots it in its first
      // measured round only, a full run in its first three.
      // Measured rounds without a boot end by SIGKILL under the exit observer (more "exit noticed" samples).
      const bootRounds = ctx.quick ? 1 : 3;
      const kind: RunKind = at.warmup ? 'none' : at.round < ctx.warmupRounds + bootRounds ? 'boot' : 'kill';
      ctx.log(`start-stop: round ${at.round}${at.warmup ? ' (warm-up)' : ''}: ${variant}${kind === 'boot' ? ' (boot to the marker, graceful stop)' : ''}`);
      if (variant === 'raw') return runRaw(ctx, homes.raw, tasks.raw, kind);
      if (variant === 'vmdesk') return runInProcess(ctx, sup, homes.vmdesk, tasks.vmdesk, kind);
      return runCli(ctx, homes.cli, tasks.cli, kind);
    });
    const raw = (k: string, label: string) => ({ label, samples: s.raw[k]! });
    const rawQmpLabel = 'qemu-system-x86_64 started directly, QMP polled';
    const cli = s.cli ?? {};
    const figures: Figure[] = [
      figure({ id: 'start.qmp.in-process', group: 'Start', title: 'start to QMP ready: supervisor API in-process', unit: 'ms', note: 'start() includes planning the task file (parse, image checks with qemu-img, argv), the state record, spawn, QMP connect + capabilities + query-status' }, s.vmdesk.qmp!, raw('qmp', rawQmpLabel)),
      figure({ id: 'start.plan', group: 'Start', title: 'of which: planning the task (driver: parse, image checks incl. `qemu-img info`, argv)', unit: 'ms', note: 'supervisor plan() timed on its own just before each start()' }, s.vmdesk.plan!),
      figure({ id: 'start.marker.in-process', group: 'Start', title: 'start to the guest\'s ready marker: supervisor API', unit: 'ms' }, s.vmdesk.marker!, raw('marker', 'raw QEMU, same console-log watcher')),
      figure({ id: 'stop.in-process', group: 'Stop', title: 'graceful stop: stop() call to its return', unit: 'ms' }, s.vmdesk.stop!, raw('stop', 'QMP system_powerdown to process exit, measured directly')),
      figure({ id: 'stop.exit-noticed', group: 'Stop', title: 'exit noticed: supervisor "exited" notification after the QEMU process is gone', unit: 'ms', note: 'the process exit seen by an independent observer process polling /proc every 0.5 ms (bench/exit-watch.mjs); samples from the graceful stops (booted rounds) and from SIGKILL stops right after QMP ready (the other measured rounds); Nomad\'s driver polls once a second' }, s.vmdesk.noticed!, raw('noticed', 'Node\'s own child "exit" event for raw QEMU (the floor on this machine)')),
      figure({ id: 'stop.exit-noticed.vs-node', group: 'Stop', title: 'exit noticed, added to Node\'s own child exit event in the same run', unit: 'ms', note: 'the same samples as the row above; the target compares the medians (issue #19)' }, s.vmdesk.noticed!, raw('noticed', 'Node\'s own child "exit" event for raw QEMU')),
      figure({ id: 'stop.in-process-returned', group: 'Stop', title: 'stop() returned after the QEMU process is gone', unit: 'ms' }, s.vmdesk.returned!),
    ];
    if (hasCli) {
      figures.push(
        figure({ id: 'start.qmp.cli', group: 'Start', title: 'start to QMP ready: `vmdesk start` as a whole process', unit: 'ms', note: 'from spawning `node bin/vmdesk.js start` to its exit (Node start-up included)' }, cli.qmp!, raw('qmp', rawQmpLabel)),
        figure({ id: 'start.marker.cli', group: 'Start', title: 'start to the guest\'s ready marker: `vmdesk start`', unit: 'ms' }, cli.marker!, raw('marker', 'raw QEMU, same console-log watcher')),
        figure({ id: 'stop.cli', group: 'Stop', title: 'graceful stop: `vmdesk stop` as a whole process', unit: 'ms' }, cli.stop!, raw('stop', 'QMP system_powerdown to process exit, measured directly')),
        figure({ id: 'stop.cli-returned', group: 'Stop', title: '`vmdesk stop` exited after the QEMU process is gone', unit: 'ms', note: 'a separate process: it is not QEMU\'s parent, so it learns of the exit from QMP/the process table, then Node exits' }, cli.returned!),
      );
    }
    return { figures, missingReasons };
  } finally {
    await sup.close();
  }
}

/** The start/stop suite. */
export const startStopSuite: Suite = {
  name: 'start',
  promises: [
    { id: 'start.qmp.in-process', group: 'Start', title: 'start to QMP ready: supervisor API in-process' },
    { id: 'start.qmp.cli', group: 'Start', title: 'start to QMP ready: `vmdesk start` as a whole process' },
    { id: 'start.marker.in-process', group: 'Start', title: 'start to the guest\'s ready marker: supervisor API' },
    { id: 'start.marker.cli', group: 'Start', title: 'start to the guest\'s ready marker: `vmdesk start`' },
    { id: 'stop.cli', group: 'Stop', title: 'graceful stop: `vmdesk stop` as a whole process' },
    { id: 'stop.in-process', group: 'Stop', title: 'graceful stop: stop() call to its return' },
    { id: 'stop.exit-noticed', group: 'Stop', title: 'exit noticed: supervisor "exited" notification after the QEMU process is gone' },
  ],
  run,
};
