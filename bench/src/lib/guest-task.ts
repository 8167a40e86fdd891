// Task files for the test guest, as a user would write them, and the plan of one for raw-QEMU baselines.
import { constants, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planTask } from '../../../src/main/driver/prepare';
import { DEFAULT_DRIVER_CONFIG } from '../../../src/shared/driver-config';
import type { Plan } from '../../../src/shared/plan';
import { parseTask, type Task } from '../../../src/shared/task';

/** The task of the benchmarks: the test guest, 128 MiB, TCG, graceful shutdown, guest agent; `args` as in config.args. */
export function guestTask(name: string, args: string[] = []): Record<string, unknown> {
  return {
    name,
    config: { image_path: 'disk.img', accelerator: 'tcg', graceful_shutdown: true, guest_agent: true, ...(args.length ? { args } : {}) },
    resources: { memory: 128, cores: 1 },
    kill_timeout: '20s',
  };
}

/** Writes `<dir>/<name>/task.json` with its own copy of the guest disk (and config.args); returns the task file path. */
export function writeGuestTask(dir: string, name: string, disk: string, args: string[] = []): string {
  const taskDir = join(dir, name);
  mkdirSync(taskDir, { recursive: true });
  copyFileSync(disk, join(taskDir, 'disk.img'), constants.COPYFILE_FICLONE);
  const file = join(taskDir, 'task.json');
  writeFileSync(file, JSON.stringify(guestTask(name, args), null, 2) + '\n');
  return file;
}

/** The plan vmdesk would run for the task file's task (the argv raw QEMU is started with). */
export async function planGuest(taskDir: string, name: string, env: NodeJS.ProcessEnv): Promise<Plan> {
  const parsed = parseTask(guestTask(name));
  if (!parsed.ok) throw new Error(`bench task invalid: ${JSON.stringify(parsed)}`);
  return planTask(parsed.task as Task, taskDir, { driverConfig: DEFAULT_DRIVER_CONFIG, home: env.VMDESK_HOME!, env });
}
