// I/O edge of the driver: task file -> parsed task -> resolved, allowed, inspected image -> host facts ->
// VM paths -> buildPlan. Reads files and runs qemu-img; writes nothing, starts nothing.
import { stat } from 'node:fs/promises';
import { readLimitedFile } from '../store/read-limited';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { DriverConfig } from '../../shared/driver-config';
import { VmdeskError } from '../../shared/errors';
import { TASK_FILE_MAX_BYTES } from '../../shared/limits';
import type { Plan } from '../../shared/plan';
import { parseTask, type Task } from '../../shared/task';
import { vmPaths } from '../store/paths';
import { fingerprintHost, hostFacts } from './fingerprint';
import { imagePathSyntaxProblem, isAllowedImagePath, isAllowedImagePathLexically } from './image-policy';
import type { AllowedPlaces } from './image-inspect';
import { inspectImage, realpathOrUndefined, resolveAllowedPlaces } from './image-inspect';
import { buildPlan } from './plan';
import { classifyArgs } from './args-policy';
import { argsHostReach, resolveArgPath } from './args-host-reach';

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
  const syntax = imagePathSyntaxProblem(task.config.image_path);
  if (syntax) throw new VmdeskError(syntax === 'image_path must be set' ? 'INVALID_TASK' : 'IMAGE_NOT_ALLOWED', syntax, 'config.image_path');

  const places = await resolveAllowedPlaces(taskDir, opts.driverConfig.image_paths);
  const wanted = isAbsolute(task.config.image_path) ? task.config.image_path : resolve(places.taskDir, task.config.image_path);
  const real = await realpathOrUndefined(wanted);
  if (real === undefined) {
    // A missing file outside the allowed places gets the same answer as an existing one: no existence oracle.
    if (!isAllowedImagePathLexically(wanted, places.taskDir, [...places.imageDirs, ...opts.driverConfig.image_paths])) {
      throw notAllowed(wanted, wanted, places);
    }
    throw new VmdeskError('IMAGE_NOT_FOUND', `image_path: ${wanted} does not exist`, 'config.image_path');
  }
  if (!isAllowedImagePath(real, places.taskDir, places.imageDirs)) throw notAllowed(wanted, real, places);
  if (!(await stat(real)).isFile()) {
    throw new VmdeskError('IMAGE_INVALID', `image_path: ${real} is not a regular file`, 'config.image_path');
  }
  const image = await inspectImage(real, places);
  const fingerprint = await fingerprintHost(env);
  const paths = vmPaths(opts.home, task.name, { disposable: task.disposable, guestAgent: task.config.guest_agent }, env);
  const plan = buildPlan(task, {
    taskDir: places.taskDir,
    driverConfig: opts.driverConfig,
    host: hostFacts(fingerprint),
    image,
    paths,
    ...(opts.uuid !== undefined ? { uuid: opts.uuid } : {}),
  });
  await checkArgPathsReal(task, places, opts.driverConfig);
  return plan;
}

function notAllowed(wanted: string, real: string, places: AllowedPlaces): VmdeskError {
  return new VmdeskError(
    'IMAGE_NOT_ALLOWED',
    `image_path is not in the allowed paths: ${real === wanted ? real : `${wanted} (really ${real})`} is outside the task directory ${places.taskDir}` +
      (places.imageDirs.length ? ` and image_paths (${places.imageDirs.join(', ')})` : ' and no image_paths are configured'),
    'config.image_path',
  );
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

/**
 * With an args_allowlist, the host files named in args must lie in the allowed places with symlinks resolved
 * too (the pure check in args-host-reach.ts is lexical). A path that does not exist yet is left to the lexical
 * check (QEMU may create it, e.g. a chardev log file; it would be created where the path says).
 */
async function checkArgPathsReal(task: Task, places: AllowedPlaces, dc: DriverConfig): Promise<void> {
  if (dc.args_allowlist.length === 0) return;
  for (const r of argsHostReach(classifyArgs(task.config.args))) {
    if (r.kind !== 'path' || /^[^:/]+:/.test(r.value)) continue;
    const wanted = resolveArgPath(r.value, places.taskDir);
    let real = await realpathOrUndefined(wanted);
    // A file QEMU would create: its directory decides.
    if (real === undefined) {
      const dir = await realpathOrUndefined(dirname(wanted));
      real = dir === undefined ? undefined : join(dir, basename(wanted));
    }
    if (real !== undefined && !isAllowedImagePath(real, places.taskDir, places.imageDirs)) {
      throw new VmdeskError(
        'ARG_NOT_ALLOWED',
        `"${r.option}" reaches ${JSON.stringify(r.value)} (really ${real}), outside the task's directory and image_paths; with an args_allowlist, files given to QEMU in args must be in the allowed places`,
        `config.args.${r.index}`,
      );
    }
  }
}
