// Cloud image boot (issue #13): the cached Debian cloud guest (test/guest/build-cloud-guest.mjs) booted with a
// cloud_init seed to cloud-init's done marker (a runcmd line on the serial console: runcmd runs in cloud-init's
// final stage), vmdesk against raw QEMU with the same argv and the same kind of seed, A B A B:
//   raw     the plan's argv (planTask), the seed built beforehand with vmdesk's buildSeed (a raw user has it
//           already), qemu-system-x86_64 spawned directly; the done marker from the console log.
//   vmdesk  the supervisor API in this process: start() (planning, the seed with its files and ISO, spawn,
//           QMP) to the same marker, read by the same watcher.
// Each run gets a fresh qcow2 overlay over the cached disk (cloud-init's per-instance modules, runcmd among
// them, run only on a new instance), made before the clock starts; after the marker QEMU is killed.
// Slow: about a minute per boot under TCG on a quiet machine, several on a loaded one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSeed } from '../../../src/main/cloudinit/seed-build';
import { planTask } from '../../../src/main/driver/prepare';
import { createSupervisor } from '../../../src/main/supervisor/supervisor';
import { DEFAULT_DRIVER_CONFIG, type DriverConfig } from '../../../src/shared/driver-config';
import { parseTask } from '../../../src/shared/task';
import { isLive } from '../../../src/shared/vm';
import { nowMs } from '../lib/clock';
import { fileSize, waitForMarker } from '../lib/console-watch';
import { killGroup } from '../lib/processes';
import { prepareDirs, spawnRaw } from '../lib/raw-qemu';
import { figure } from '../lib/results';
import { alternation, runSchedule } from '../lib/schedule';
import { benchHome, type BenchHome } from '../lib/vmdesk-env';
import type { Suite, SuiteContext, SuiteOutput } from '../suite';

const NAME = 'cloudbench';
const MARKER = 'VMDESK-BENCH-CLOUD-INIT-DONE-5c1e';
const BOOT_TIMEOUT_MS = 1_200_000;

/** The cached cloud guest's directory (its own script computes the cache key), or undefined when it is not built. */
function cloudGuest(root: string): string | undefined {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', "const m = await import('./test/guest/build-cloud-guest.mjs'); process.stdout.write(m.cloudGuestDir().dir)"], { cwd: root, encoding: 'utf8' });
  return existsSync(join(out, 'guest.json')) ? out : undefined;
}

/** The cloud task: the cached kernel and initrd, an overlay disk, a cloud_init block whose runcmd prints the marker. */
function cloudTask(guest: string): Record<string, unknown> {
  return {
    name: NAME,
    config: {
      image_path: 'overlay.qcow2',
      accelerator: 'tcg',
      drive_interface: 'virtio',
      args: ['-kernel', join(guest, 'vmlinuz'), '-initrd', join(guest, 'initrd.img'), '-append', 'root=/dev/vda console=ttyS0 rw'],
      cloud_init: { hostname: NAME, user_data: `#cloud-config\nruncmd:\n  - echo ${MARKER} > /dev/ttyS0\n` },
    },
    resources: { memory: 1024, cores: 2 },
    kill_timeout: '10s',
  };
}

/** Writes the task into its own dir with a fresh overlay over the cached disk; returns the task file. */
function freshTask(h: BenchHome, guest: string): string {
  const dir = join(h.tasks, NAME);
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, 'overlay.qcow2'), { force: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', join(guest, 'disk.qcow2'), '-F', 'qcow2', join(dir, 'overlay.qcow2')]);
  const file = join(dir, 'task.json');
  writeFileSync(file, `${JSON.stringify(cloudTask(guest), null, 2)}\n`);
  return file;
}

async function runRaw(h: BenchHome, guest: string, driverConfig: DriverConfig): Promise<{ done: number }> {
  freshTask(h, guest); // the overlay (the task file is the same as the vmdesk variant's)
  const parsed = parseTask(cloudTask(guest));
  if (!parsed.ok) throw new Error(`cloud bench task invalid: ${parsed.message}`);
  const plan = await planTask(parsed.task, join(h.tasks, NAME), { driverConfig, home: h.home, env: h.env });
  prepareDirs(plan);
  await buildSeed(plan.cloudInit!, NAME, plan.paths.vmDir);
  const offset = fileSize(plan.paths.consoleLog);
  const t0 = nowMs();
  const q = spawnRaw(plan);
  try {
    return { done: (await waitForMarker(plan.paths.consoleLog, MARKER, offset, BOOT_TIMEOUT_MS)) - t0 };
  } finally {
    killGroup(q.pid);
    await q.exited;
  }
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const guest = cloudGuest(ctx.root);
  if (!guest) return { figures: [], missingReasons: { 'cloud.done.in-process': 'the cloud guest is not built (node test/guest/build-cloud-guest.mjs)' } };
  const driverConfig: DriverConfig = { ...DEFAULT_DRIVER_CONFIG, image_paths: [guest] };
  const homes = { raw: benchHome(ctx, 'cloud-raw'), vmdesk: benchHome(ctx, 'cloud-sup') };
  const sup = createSupervisor({ home: homes.vmdesk.home, env: homes.vmdesk.env, driverConfig: () => driverConfig });
  // A few rounds: each boot is about a minute under TCG (more under load); no warm-up (the first boot of each
  // variant reads the cached disk into the page cache for both: they alternate).
  const rounds = ctx.quick ? 2 : 4;
  try {
    const s = await runSchedule(alternation(['raw', 'vmdesk'] as const, rounds, 0), async (variant, at) => {
      ctx.log(`cloud: round ${at.round}: ${variant} (boot to cloud-init's runcmd marker)`);
      if (variant === 'raw') return runRaw(homes.raw, guest, driverConfig);
      const taskFile = freshTask(homes.vmdesk, guest);
      const plan = await sup.plan({ taskFile });
      const offset = fileSize(plan.paths.consoleLog);
      const t0 = nowMs();
      await sup.start({ taskFile });
      try {
        return { done: (await waitForMarker(plan.paths.consoleLog, MARKER, offset, BOOT_TIMEOUT_MS)) - t0 };
      } finally {
        const now = await sup.inspect(NAME).catch(() => undefined);
        if (now && isLive(now.state)) await sup.stop(NAME, { force: true });
      }
    });
    return {
      figures: [
        figure(
          { id: 'cloud.done.in-process', group: 'cloud-init', title: 'cloud image boot to cloud-init done (runcmd marker): supervisor API', unit: 'ms', note: `the cached Debian cloud guest, 1 GiB, 2 vCPUs, TCG, a fresh overlay per run; ${rounds} rounds per variant; start() includes the plan and the seed (files + ISO)` },
          s.vmdesk.done!,
          { label: 'raw QEMU, same argv, seed built beforehand', samples: s.raw.done! },
        ),
      ],
    };
  } finally {
    await sup.close();
  }
}

/** The cloud suite. */
export const cloudSuite: Suite = {
  name: 'cloud',
  promises: [{ id: 'cloud.done.in-process', group: 'cloud-init', title: 'cloud image boot to cloud-init done (runcmd marker): supervisor API' }],
  run,
};
