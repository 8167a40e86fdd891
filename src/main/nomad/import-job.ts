// Import: job text -> validated vmdesk tasks and diagnostics. Nothing is written here (write-tasks.ts
// does that, only when every selected task is valid).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { DriverConfig } from '../../shared/driver-config';
import { VmdeskError } from '../../shared/errors';
import { normaliseEmulator, parseTask, taskToFile, type Task, type TaskFile } from '../../shared/task';
import { checkArgs } from '../driver/args-policy';
import { realpathOrUndefined } from '../driver/image-inspect';
import {
  imagePathSyntaxProblem,
  isAllowedImagePath,
  isAllowedImagePathLexically,
  isInsideDir,
} from '../driver/image-policy';
import { fingerprintHost, hostFacts } from '../driver/fingerprint';
import { planTask } from '../driver/prepare';
import type { Diagnostic } from './diagnostics';
import { mapJob, type MappedTask } from './map-job';
import { JobReadError, readJob } from './read-job';

/** Options of an import. */
export interface ImportOptions {
  /** Absolute directory under which each task gets its own directory (`<outDir>/<name>/`). */
  outDir: string;
  /** Each task's directory instead of `<outDir>/<name>/` (`vmdesk test JOBFILE`: the job file's own directory). */
  taskDirOf?: (name: string) => string;
  /** Import only these tasks, or this one (Nomad task name, `group/task`, or the vmdesk name). */
  only?: string | readonly string[];
  driverConfig: DriverConfig;
  /** $VMDESK_HOME (the driver's full plan of a task whose image is in place needs it). */
  home: string;
  /** Warn about host facts (emulator on PATH, KVM) when the task cannot be planned yet (default true). */
  hostCheck?: boolean;
  /** For tests: a fixed NOMAD_ALLOC_ID and fixed host ports. */
  allocId?: () => string;
  pickHostPort?: (label: string) => number;
}

/** One imported task, ready to write. */
export interface ImportedTask {
  name: string;
  group: string;
  nomadTask: string;
  /** Where the task file goes: `<outDir>/<name>/<name>.json`. */
  taskFile: string;
  /** The task file's content (the normalised Task written back in file form). */
  file: TaskFile;
  task: Task;
}

/** A selected qemu task of the job, whether or not it passed (`valid`). */
export interface FoundTask {
  name: string;
  group: string;
  nomadTask: string;
  valid: boolean;
}

/** What an import found. `ok` is false when any selected task (or the job itself) has an error. */
export interface ImportResult {
  ok: boolean;
  job?: { name: string; format: 'hcl' | 'json' };
  tasks: ImportedTask[];
  /** Every selected qemu task, valid or not (what a preview lists). */
  found: FoundTask[];
  diagnostics: Diagnostic[];
}

/**
 * The NOMAD_ALLOC_ID and host ports of an import, derived from the job text and the selection: the same
 * on Check (dry run) as on Create, so what the preview showed is what is written. Pure.
 */
export function importIdentity(
  text: string,
  only: string | readonly string[] | undefined,
): { allocId: () => string; pickHostPort: () => number } {
  const seed = createHash('sha256')
    .update(text)
    .update('\0')
    .update(JSON.stringify(only ?? null))
    .digest();
  const h = seed.toString('hex');
  // A UUID in Nomad's form (8-4-4-4-12 hex), with the version-4 and variant bits set.
  const allocId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  const used = new Set<number>();
  let counter = 0;
  const pickHostPort = () => {
    // A port from Nomad's default dynamic range (20000-32000), distinct within this import; if it is taken
    // when the VM starts, the start fails with a clear PORT_IN_USE error and the user edits `ports`.
    for (let i = 0; i < 200; i++) {
      const n = createHash('sha256').update(seed).update(String(counter++)).digest().readUInt32BE(0);
      const p = 20000 + (n % 12000);
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
    return 20000;
  };
  return { allocId: () => allocId, pickHostPort };
}

/** Reads, maps and validates a job. Never throws for bad input: problems come back as error diagnostics. */
export async function importJobText(text: string, opts: ImportOptions): Promise<ImportResult> {
  let job;
  try {
    job = await readJob(text);
  } catch (err) {
    if (!(err instanceof JobReadError)) throw err;
    return {
      ok: false,
      tasks: [],
      found: [],
      diagnostics: err.problems.map((p) => ({
        severity: 'error',
        kind: 'syntax',
        message: `${err.format === 'hcl' ? 'invalid HCL' : 'invalid job'}: ${p.message}`,
        ...(p.line !== undefined ? { line: p.line } : {}),
        ...(p.column !== undefined ? { column: p.column } : {}),
        ...(p.path ? { path: p.path } : {}),
      })),
    };
  }

  const identity = importIdentity(text, opts.only);
  const mapped = mapJob(job, {
    taskDir: (name) => taskDirOf(opts, name),
    allocId: opts.allocId ?? identity.allocId,
    pickHostPort: opts.pickHostPort ?? identity.pickHostPort,
    bindAddress: opts.driverConfig.port_bind_address,
    ...(opts.only ? { only: opts.only } : {}),
  });

  const diagnostics = [...mapped.diagnostics];
  const tasks: ImportedTask[] = [];
  const found: FoundTask[] = [];
  if (mapped.tasks.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({
      severity: 'error',
      kind: 'no-qemu-task',
      message: `job "${job.name}" has no task with driver = "qemu"; nothing to import`,
    });
  }
  for (const m of mapped.tasks) {
    const taskDiagnostics = [...m.diagnostics];
    const imported = await validateMapped(m, opts, taskDiagnostics);
    diagnostics.push(...taskDiagnostics);
    if (imported) tasks.push(imported);
    found.push({ name: m.name, group: m.group, nomadTask: m.nomadTask, valid: imported !== undefined });
  }
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return { ok, job: { name: job.name, format: job.format }, tasks, found, diagnostics };
}

function taskDirOf(opts: ImportOptions, name: string): string {
  return opts.taskDirOf ? opts.taskDirOf(name) : join(opts.outDir, name);
}

function whereOf(m: MappedTask, field: string): { line?: number; path?: string } {
  for (let f = field; f; f = f.includes('.') ? f.slice(0, f.lastIndexOf('.')) : '') {
    const w = m.fieldWhere[f];
    if (w) return { ...(w.line !== undefined ? { line: w.line } : {}), path: w.path };
  }
  const w = m.fieldWhere.name;
  return w ? { ...(w.line !== undefined ? { line: w.line } : {}), path: w.path } : {};
}

async function validateMapped(
  m: MappedTask,
  opts: ImportOptions,
  out: Diagnostic[],
): Promise<ImportedTask | undefined> {
  const error = (kind: string, message: string, field?: string) =>
    out.push({
      severity: 'error',
      kind,
      message,
      task: m.nomadTask,
      ...(field ? whereOf(m, field) : whereOf(m, 'name')),
    });
  const warning = (kind: string, message: string, field?: string) =>
    out.push({
      severity: 'warning',
      kind,
      message,
      task: m.nomadTask,
      ...(field ? whereOf(m, field) : whereOf(m, 'name')),
    });
  if (out.some((d) => d.severity === 'error')) return undefined;

  const parsed = parseTask(m.taskFile);
  if (!parsed.ok) {
    error('invalid', parsed.message, parsed.field);
    return undefined;
  }
  const task = parsed.task;
  const taskDir = taskDirOf(opts, m.name);
  const taskFile = join(taskDir, `${m.name}.json`);
  const dc = opts.driverConfig;

  // The driver's policy, checked as far as it can be before the image is downloaded: image path syntax and
  // place (Nomad's rule, lexically, then with symlinks resolved when the file exists), args allowlist,
  // emulator allowlist. A task that passes is planned in full when its image is in place.
  try {
    const syntax = imagePathSyntaxProblem(task.config.image_path);
    if (syntax) throw new VmdeskError('IMAGE_NOT_ALLOWED', syntax, 'config.image_path');
    const wanted = isAbsolute(task.config.image_path)
      ? task.config.image_path
      : join(taskDir, task.config.image_path);
    if (!isAllowedImagePathLexically(wanted, taskDir, dc.image_paths))
      throw notAllowed(wanted, taskDir, dc.image_paths);
    const real = await realpathOrUndefined(wanted);
    if (real !== undefined && !isInsideDir(wanted, taskDir)) {
      const dirs = (await Promise.all(dc.image_paths.map((d) => realpathOrUndefined(d)))).filter(
        (d): d is string => d !== undefined,
      );
      if (!isAllowedImagePath(real, taskDir, dirs))
        throw notAllowed(`${wanted} (really ${real})`, taskDir, dc.image_paths);
    }
    checkArgs(task.config.args, dc.args_allowlist, {
      taskDir,
      imagePaths: dc.image_paths,
      loaderAllowlist: dc.args_loader_allowlist ?? [],
    });
    const allowed = dc.emulators_allowlist.map(normaliseEmulator);
    if (allowed.length > 0 && !allowed.includes(task.config.emulator)) {
      throw new VmdeskError(
        'EMULATOR_NOT_ALLOWED',
        `'${task.config.emulator}' is not an allowed emulator`,
        'config.emulator',
      );
    }
    if (real !== undefined && existsSync(taskDir)) {
      await planTask(task, taskDir, { driverConfig: dc, home: opts.home });
    } else {
      if (real === undefined && !m.artifactDestinations.some((d) => isInsideDir(wanted, join(taskDir, d)))) {
        warning(
          'image',
          `no image at ${wanted} yet and no artifact brings one: put the image there before starting the VM`,
          'config.image_path',
        );
      }
      // Without the image the full plan cannot run; the host facts it would check are still worth a warning.
      if (opts.hostCheck !== false) {
        const host = hostFacts(await fingerprintHost());
        if (host.emulators[task.config.emulator] === undefined) {
          warning(
            'host',
            `qemu-system-${task.config.emulator} was not found on PATH; install QEMU for this emulator (run \`vmdesk doctor\` for how)`,
            'config.emulator',
          );
        }
        if (task.config.accelerator === 'kvm' && !host.kvmUsable) {
          warning(
            'host',
            'accelerator "kvm" is not usable on this host; change config.accelerator to "tcg" to run it here',
            'config.accelerator',
          );
        }
      }
    }
  } catch (err) {
    if (!(err instanceof VmdeskError)) throw err;
    // Facts about this host (no KVM, no qemu-system-<arch>) do not make the task file wrong.
    if (err.code === 'ACCELERATOR_UNAVAILABLE' || err.code === 'EMULATOR_NOT_FOUND')
      warning('host', err.message, err.field);
    else {
      error(err.code === 'IMAGE_NOT_ALLOWED' ? 'image' : 'driver', err.message, err.field);
      return undefined;
    }
  }
  return { name: m.name, group: m.group, nomadTask: m.nomadTask, taskFile, file: taskToFile(task), task };
}

function notAllowed(image: string, taskDir: string, imagePaths: string[]): VmdeskError {
  return new VmdeskError(
    'IMAGE_NOT_ALLOWED',
    `image_path is not in the allowed paths: ${image} is outside the task's directory (${taskDir}) and ${imagePaths.length ? `outside image_paths (${imagePaths.join(', ')})` : 'no image_paths are configured'}; add its directory to image_paths in settings.json, or use a path inside the task's directory`,
    'config.image_path',
  );
}
