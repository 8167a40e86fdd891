// Display and snapshots (issue #15), on the VGA test guest (disk-vga.img, converted to qcow2) with
// display "vnc": one VM under the supervisor API in this process, one raw QEMU from the same plan's argv
// driven over a raw QMP connection (bench/src/lib/raw-qmp.ts), both booted to the ready marker.
//   screenshot  vmdesk's screenshotVm (QMP screendump format png to a temp file, rename, event) against raw
//               `screendump` with format png, each timed from the request to the PNG on disk, A B A B.
//   snapshot    vmdesk's saveSnapshot / restoreSnapshot (query-block, snapshot-save / snapshot-load job,
//               query-jobs every 20 ms, job-dismiss, events) against the same job commands sent raw,
//               waiting for the job's JOB_STATUS_CHANGE "concluded" event, then job-dismiss. Each round's
//               snapshot is deleted afterwards (not timed), so every save starts from the same image.
//   vnc         with the guest redrawing its whole VGA text screen in a loop (two full screens of
//               different characters, written to /dev/tty1 through the agent), an RFB client in its own
//               process (bench/vnc-client.mjs, Raw encoding, update requests back to back) counts frames
//               per second: through vmdesk's WebSocket bridge (src/main/display/vnc-bridge.ts, in this
//               process) against a direct connection to the VM's VNC unix socket; plus this process's CPU
//               while the client runs (the bridge's cost; the direct rounds show this process idle).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSupervisor } from '../../../src/main/supervisor/supervisor';
import { planTask } from '../../../src/main/driver/prepare';
import { vncSocketOf } from '../../../src/main/display/display-args';
import { vmPaths } from '../../../src/main/store/paths';
import { createVncBridge } from '../../../src/main/display/vnc-bridge';
import { screenshotVm } from '../../../src/main/display/screenshot';
import { deleteSnapshot, restoreSnapshot, saveSnapshot, type SnapshotContext } from '../../../src/main/snapshots/snapshots';
import { snapshotTargets, type BlockDevice } from '../../../src/main/snapshots/snapshot-rules';
import { DEFAULT_DRIVER_CONFIG } from '../../../src/shared/driver-config';
import { parseTask, type Task } from '../../../src/shared/task';
import { isLive } from '../../../src/shared/vm';
import { nowMs } from '../lib/clock';
import { fileSize, waitForMarker } from '../lib/console-watch';
import { killGroup } from '../lib/processes';
import { prepareDirs, spawnRaw } from '../lib/raw-qemu';
import { rawQmp, type RawQmp } from '../lib/raw-qmp';
import { figure } from '../lib/results';
import { alternation, runSchedule, type RunOutput } from '../lib/schedule';
import { benchHome, type BenchHome } from '../lib/vmdesk-env';
import type { Suite, SuiteContext, SuiteOutput } from '../suite';

const NAME = 'screen';
const BOOT_TIMEOUT_MS = 240_000;
const GROUP = 'Display and snapshots';

/** The task: the VGA guest as qcow2 (snapshots need it), display vnc, agent on. */
function displayTask(): Record<string, unknown> {
  return {
    name: NAME,
    config: { image_path: 'disk.qcow2', accelerator: 'tcg', graceful_shutdown: true, guest_agent: true },
    resources: { memory: 128, cores: 1 },
    kill_timeout: '20s',
    display: 'vnc',
  };
}

/** A shell loop that redraws the whole 80×25 VGA text screen, alternating two full screens. Pure. */
export function redrawCommand(tty = '/dev/tty1'): string[] {
  const loop = `A=$(printf '%1999s' '' | tr ' ' '#'); B=$(printf '%1999s' '' | tr ' ' '.'); while :; do printf '\\033[H%s' "$A"; printf '\\033[H%s' "$B"; done`;
  return ['/bin/sh', '-c', `(${loop}) >${tty} 2>&1 </dev/null &`];
}

function writeTask(h: BenchHome, vgaDisk: string): string {
  const dir = join(h.tasks, NAME);
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('qemu-img', ['convert', '-O', 'qcow2', vgaDisk, join(dir, 'disk.qcow2')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`qemu-img convert -O qcow2 ${vgaDisk}: ${r.stderr}`);
  const file = join(dir, 'task.json');
  writeFileSync(file, JSON.stringify(displayTask(), null, 2) + '\n');
  return file;
}

/** One raw snapshot job: the command, its "concluded" event, job-dismiss; throws the job's error. */
async function rawJob(qmp: RawQmp, command: string, args: Record<string, unknown>, id: string): Promise<void> {
  const concluded = qmp.nextEvent((e) => e.event === 'JOB_STATUS_CHANGE' && e.data?.id === id && e.data.status === 'concluded', 300_000);
  await qmp.execute(command, { 'job-id': id, ...args });
  await concluded;
  const jobs = (await qmp.execute('query-jobs')) as Array<{ id: string; error?: string }>;
  const err = jobs.find((j) => j.id === id)?.error;
  await qmp.execute('job-dismiss', { id });
  if (err) throw new Error(`${command} ${id}: ${err}`);
}

/** Runs the VNC client for `seconds`; resolves to its report. */
function vncClient(root: string, target: string, seconds: number, encoding: 'zrle' | 'raw'): Promise<{ frames: number; bytes: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bench', 'vnc-client.mjs'), target, String(seconds), encoding], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), seconds * 1000 + 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as { frames: number; bytes: number; seconds: number });
      else reject(new Error(`vnc-client ${target} exited ${code}: ${err.trim().slice(0, 300)}`));
    });
  });
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const vgaDisk = join(ctx.guest.dir, 'disk-vga.img');
  const homes = { vmdesk: benchHome(ctx, 'disp'), raw: benchHome(ctx, 'rawdisp') };
  const tasks = { vmdesk: writeTask(homes.vmdesk, vgaDisk), raw: writeTask(homes.raw, vgaDisk) };
  const parsed = parseTask(displayTask());
  if (!parsed.ok) throw new Error(`display task invalid: ${JSON.stringify(parsed)}`);
  const plan = await planTask(parsed.task as Task, join(homes.raw.tasks, NAME), { driverConfig: DEFAULT_DRIVER_CONFIG, home: homes.raw.home, env: homes.raw.env });
  prepareDirs(plan);
  const sup = createSupervisor({ home: homes.vmdesk.home, env: homes.vmdesk.env, driverConfig: () => DEFAULT_DRIVER_CONFIG });
  const snapCtx: SnapshotContext = { sup, home: homes.vmdesk.home };
  const shots = ctx.tempDir('vmdesk-bench-shots');
  const bridge = createVncBridge();
  let rawPid: number | undefined;
  try {
    // Both boot at once (the figures below are taken with both guests up, idle but for their ticks).
    const rawOffset = fileSize(plan.paths.consoleLog);
    const q = spawnRaw(plan);
    rawPid = q.pid;
    const info = await sup.start({ taskFile: tasks.vmdesk });
    const qmp = await rawQmp(plan.paths.qmpSocket, 30_000);
    ctx.log('display: booting both guests to the ready marker');
    await Promise.all([
      waitForMarker(plan.paths.consoleLog, ctx.guest.markers.ready, rawOffset, BOOT_TIMEOUT_MS),
      waitForMarker(join(homes.vmdesk.home, 'vms', NAME, 'console.log'), ctx.guest.markers.ready, 0, BOOT_TIMEOUT_MS),
    ]);

    let k = 0;
    const shotRounds = ctx.quick ? 10 : 30;
    // sup-qmp: the same screendump through the supervisor's QMP connection to vmdesk's VM (no temp file,
    // rename or event): tells the screenshot code's own cost from the VM's and the QMP path's.
    const shot = await runSchedule<'raw' | 'vmdesk' | 'supQmp'>(alternation(['raw', 'vmdesk', 'supQmp'] as const, shotRounds, ctx.warmupRounds), async (variant): Promise<RunOutput> => {
      const out = join(shots, `${variant}-${k++}.png`);
      const t0 = nowMs();
      if (variant === 'raw') await qmp.execute('screendump', { filename: out, format: 'png' });
      else if (variant === 'supQmp') await sup.qmp(NAME, 'screendump', { filename: out, format: 'png' });
      else await screenshotVm(sup, NAME, out);
      const ms = nowMs() - t0;
      if (statSync(out).size === 0) throw new Error(`${variant} screenshot ${out} is empty`);
      return { ms };
    });

    const rawTargets = snapshotTargets('raw', (await qmp.execute('query-block')) as BlockDevice[]);
    let s = 0;
    // Snapshots of this guest take well under a second: twice the rounds of the other comparisons.
    const snaps = await runSchedule<'raw' | 'vmdesk'>(alternation(['raw', 'vmdesk'] as const, ctx.rounds * 2, ctx.warmupRounds), async (variant, at): Promise<RunOutput> => {
      const tag = `bench-${s++}`;
      ctx.log(`display: snapshot round ${at.round}${at.warmup ? ' (warm-up)' : ''}: ${variant}`);
      if (variant === 'raw') {
        const t0 = nowMs();
        await rawJob(qmp, 'snapshot-save', { tag, vmstate: rawTargets.vmstate, devices: rawTargets.devices }, `raw-save-${s}`);
        const t1 = nowMs();
        await rawJob(qmp, 'snapshot-load', { tag, vmstate: rawTargets.vmstate, devices: rawTargets.devices }, `raw-load-${s}`);
        const t2 = nowMs();
        await rawJob(qmp, 'snapshot-delete', { tag, devices: rawTargets.devices }, `raw-delete-${s}`);
        return { save: t1 - t0, restore: t2 - t1 };
      }
      // The job's own time as vmdesk sees it (command sent to "concluded" seen): the rest is vmdesk's around it.
      let jobMs = 0;
      snapCtx.onProgress = (p) => {
        if (p.status === 'concluded') jobMs = p.elapsedMs;
      };
      const t0 = nowMs();
      await saveSnapshot(snapCtx, NAME, tag);
      const t1 = nowMs();
      const saveJob = jobMs;
      await restoreSnapshot(snapCtx, NAME, tag);
      const t2 = nowMs();
      const restoreJob = jobMs;
      snapCtx.onProgress = undefined;
      await deleteSnapshot(snapCtx, NAME, tag);
      return { save: t1 - t0, restore: t2 - t1, saveAround: t1 - t0 - saveJob, restoreAround: t2 - t1 - restoreJob };
    });

    // The raw guest is not needed for the frame rate: stop it so that it does not compete for the cores.
    await qmp.execute('quit').catch(() => undefined);
    qmp.close();
    await q.exited;
    const redraw = await sup.agent.exec(NAME, redrawCommand(), { timeoutMs: 60_000 });
    if (redraw.exitCode !== 0) throw new Error(`starting the redraw loop in the guest failed (exit ${redraw.exitCode}): ${redraw.stderr}`);
    const seconds = ctx.quick ? 5 : 10;
    const vncSocket = vncSocketOf(vmPaths(homes.vmdesk.home, info.name, { disposable: false, guestAgent: true }, homes.vmdesk.env));
    type VncVariant = 'direct' | 'bridge' | 'directRaw' | 'bridgeRaw';
    const vnc = await runSchedule<VncVariant>(alternation(['direct', 'bridge', 'directRaw', 'bridgeRaw'] as const, ctx.rounds, ctx.warmupRounds), async (variant, at): Promise<RunOutput> => {
      ctx.log(`display: vnc round ${at.round}${at.warmup ? ' (warm-up)' : ''}: ${variant}`);
      const target = variant.startsWith('direct') ? vncSocket : (await bridge.open(NAME, vncSocket)).url;
      const cpu0 = process.cpuUsage();
      const t0 = nowMs();
      const r = await vncClient(ctx.root, target, seconds, variant.endsWith('Raw') ? 'raw' : 'zrle');
      const wall = nowMs() - t0;
      const cpu = process.cpuUsage(cpu0);
      return { fps: r.frames / r.seconds, mbps: r.bytes / 1e6 / r.seconds, cpu: ((cpu.user + cpu.system) / 1000 / wall) * 100 };
    });
    return {
      figures: [
        figure({ id: 'display.screenshot', group: GROUP, title: 'screenshot: request to the PNG on disk', unit: 'ms', note: 'vmdesk: screenshotVm (QMP screendump format png to a temp file in the target dir, rename into place, an event); both VMs show the same booted guest (720×400 VGA text)' }, shot.vmdesk.ms!, { label: 'raw QMP screendump (format png)', samples: shot.raw.ms! }),
        figure({ id: 'display.screenshot.qmp', group: GROUP, title: 'of which: the screendump alone, through the supervisor\'s QMP connection to the same VM', unit: 'ms', note: 'sup.qmp(screendump): no temp file, rename or event; against screenshotVm it shows the screenshot code\'s own cost' }, shot.supQmp.ms!, { label: 'screenshotVm on the same VM', samples: shot.vmdesk.ms! }),
        figure({ id: 'display.snapshot.save', group: GROUP, title: 'snapshot save (VM state + disk, 128 MiB guest)', unit: 'ms', note: 'vmdesk: saveSnapshot (query-block for existing tags and the targets, the snapshot-save job polled with query-jobs every 20 ms, job-dismiss, query-block for the result, events)' }, snaps.vmdesk.save!, { label: 'raw snapshot-save job to its "concluded" event, job-dismiss', samples: snaps.raw.save! }),
        figure({ id: 'display.snapshot.restore', group: GROUP, title: 'snapshot restore of the running VM', unit: 'ms' }, snaps.vmdesk.restore!, { label: 'raw snapshot-load job to its "concluded" event, job-dismiss', samples: snaps.raw.restore! }),
        figure({ id: 'display.snapshot.save-around', group: GROUP, title: 'of which: vmdesk\'s time around the QEMU job, save', unit: 'ms', note: 'saveSnapshot time minus the job\'s own, from the command to "concluded" as vmdesk\'s 20 ms query-jobs poll sees it (so the poll\'s lag counts as the job\'s): the checks, query-block before and after, job-dismiss, events' }, snaps.vmdesk.saveAround!),
        figure({ id: 'display.snapshot.restore-around', group: GROUP, title: 'of which: vmdesk\'s time around the QEMU job, restore', unit: 'ms' }, snaps.vmdesk.restoreAround!),
        figure({ id: 'display.snapshot.restore-job', group: GROUP, title: 'of which: the snapshot-load job as vmdesk sees it (command to "concluded" seen by its poll)', unit: 'ms' }, snaps.vmdesk.restore!.map((t, i) => t - snaps.vmdesk.restoreAround![i]!), { label: 'raw, the whole restore', samples: snaps.raw.restore! }),
        figure({ id: 'display.vnc.fps', group: GROUP, title: 'VNC frame rate, guest redrawing its whole screen: through the app\'s WebSocket bridge (ZRLE)', unit: 'fps', note: 'an RFB client in its own process (bench/vnc-client.mjs: ZRLE as a real viewer asks for, update requests back to back), not noVNC in the Display tab: the bridge is the part vmdesk adds; the guest\'s redraw speed under TCG bounds both' }, vnc.bridge.fps!, { label: 'the same client connected to the VNC unix socket directly', samples: vnc.direct.fps! }),
        figure({ id: 'display.vnc.fps-raw', group: GROUP, title: 'VNC frame rate, Raw encoding (every changed pixel: the most bytes a bridge carries)', unit: 'fps', note: `stream through the bridge: ${vnc.bridgeRaw.mbps!.map((m) => m.toFixed(1)).join(', ')} MB/s` }, vnc.bridgeRaw.fps!, { label: 'direct, Raw', samples: vnc.directRaw.fps! }),
        figure({ id: 'display.vnc.bridge-cpu', group: GROUP, title: 'CPU of the process running the bridge while it carries the stream (ZRLE)', unit: '% of a core', note: `the bench process (the bridge and an idle supervisor); the baseline is the same process during the direct rounds; the stream: ${vnc.bridge.mbps!.map((m) => m.toFixed(2)).join(', ')} MB/s` }, vnc.bridge.cpu!, { label: 'the same process, direct rounds (the bridge idle)', samples: vnc.direct.cpu! }),
        figure({ id: 'display.vnc.bridge-cpu-raw', group: GROUP, title: 'CPU of the process running the bridge (Raw)', unit: '% of a core' }, vnc.bridgeRaw.cpu!, { label: 'the same process, direct Raw rounds', samples: vnc.directRaw.cpu! }),
      ],
    };
  } finally {
    await bridge.close();
    const now = await sup.inspect(NAME).catch(() => undefined);
    if (now && isLive(now.state)) await sup.stop(NAME, { force: true }).catch(() => undefined);
    await sup.close();
    if (rawPid) killGroup(rawPid);
  }
}

/** Screenshot latency, snapshot save/restore, VNC frame rate through the bridge. */
export const displaySuite: Suite = {
  name: 'display',
  promises: [
    { id: 'display.screenshot', group: GROUP, title: 'screenshot: request to the PNG on disk' },
    { id: 'display.snapshot.save', group: GROUP, title: 'snapshot save (VM state + disk, 128 MiB guest)' },
    { id: 'display.snapshot.restore', group: GROUP, title: 'snapshot restore of the running VM' },
    { id: 'display.vnc.fps', group: GROUP, title: 'VNC frame rate, guest redrawing its whole screen: through the app\'s WebSocket bridge' },
  ],
  run,
};
