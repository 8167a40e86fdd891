// I/O edge of the driver: task file -> parsed task -> resolved, allowed, inspected image -> host facts ->
// VM paths -> buildPlan. Reads files and runs qemu-img; writes nothing, starts nothing.
import { readLimitedFile } from '../store/read-limited';
import { dirname, resolve } from 'node:path';
import type { DriverConfig } from '../../shared/driver-config';
import { VmdeskError } from '../../shared/errors';
import { TASK_FILE_MAX_BYTES } from '../../shared/limits';
import type { Plan } from '../../shared/plan';
import { parseTask, type Task } from '../../shared/task';
import { vmPaths } from '../store/paths';
import { fingerprintHost, hostFacts } from './fingerprint';
import { resolveAllowedPlaces } from './image-inspect';
import { IMAGE_PATH_FIELD, resolveDrives, resolveImage } from './image-resolve';
import { checkArgFiles } from './args-files';
import { buildPlan } from './plan';
import { checkFirmwareFiles } from './firmware-descriptors';
import { resolveCloudInit } from '../cloudinit/seed-resolve';

/** Options for planning. */
export interface PlanOptions {
  driverConfig: DriverConfig;
  /** $VMDESK_HOME. */
  home: string;
  /** The VM's uuid (the supervisor passes one at start). */
  uuid?: string;
  /** Environment for PATH and VMDESK_RUNTIME_DIR (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Plans an already-parsed task whose relative paths are relative to `taskDir`. */
export async function planTask(task: Task, taskDir: string, opts: PlanOptions): Promise<Plan> {
  const env = opts.env ?? process.env;
  const places = await resolveAllowedPlaces(taskDir, opts.driverConfig.image_paths);
  const image = await resolveImage(task.config.image_path, IMAGE_PATH_FIELD, places, opts.driverConfig.image_paths).catch((err: unknown) => {
    // An image the task's artifacts bring is missing until they are fetched: say how to get it.
    if (err instanceof VmdeskError && err.code === 'IMAGE_NOT_FOUND' && task.artifacts.length > 0) {
      throw new VmdeskError(err.code, `${err.message} yet: the task's artifacts bring it (\`vmdesk fetch TASKFILE\`; \`vmdesk start\` fetches them first)`, err.field);
    }
    throw err;
  });
  const drives = await resolveDrives(task, places, opts.driverConfig.image_paths);
  const cloudInit = await resolveCloudInit(task, places, opts.driverConfig.image_paths, env.PATH);
  const fingerprint = await fingerprintHost(env);
  const paths = vmPaths(opts.home, task.name, { disposable: task.disposable, guestAgent: task.config.guest_agent }, env);
  const plan = buildPlan(task, {
    taskDir: places.taskDir,
    driverConfig: opts.driverConfig,
    host: hostFacts(fingerprint),
    image,
    paths,
    ...(opts.uuid !== undefined ? { uuid: opts.uuid } : {}),
    ...(drives.length ? { drives } : {}),
    ...(cloudInit ? { cloudInit } : {}),
  });
  await checkArgFiles(task.config.args, places, opts.driverConfig);
  await checkFirmwareFiles(plan.firmware);
  return plan;
}

/** Reads and parses a task file (size-limited JSON), then plans it against its own directory. */
export async function planTaskFile(taskFilePath: string, opts: PlanOptions): Promise<Plan> {
  const path = resolve(taskFilePath);
  const task = await readTaskFile(path);
  return planTask(task, dirname(path), opts);
}

/** Reads a task file: a regular file of at most TASK_FILE_MAX_BYTES, JSON, parsed by the task schema. */
export async function readTaskFile(path: string): Promise<Task> {
  const r = await readLimitedFile(path, TASK_FILE_MAX_BYTES);
  if (!r.ok) {
    const hint = r.reason === 'too-large' ? '; a task file is small JSON' : '';
    throw new VmdeskError('INVALID_TASK', r.reason === 'missing' ? `task file ${path} does not exist` : `task file ${r.message}${hint}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(r.text);
  } catch (err) {
    throw new VmdeskError('INVALID_TASK', `${path}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = parseTask(data);
  if (!parsed.ok) throw new VmdeskError(codeForField(parsed.field, parsed.message), parsed.message, parsed.field || undefined);
  return parsed.task;
}

function codeForField(field: string, message: string): 'INVALID_TASK' | 'PORT_INVALID' {
  return /^(ports|config\.port_map)/.test(field) || message.startsWith('Unknown port label') ? 'PORT_INVALID' : 'INVALID_TASK';
}
