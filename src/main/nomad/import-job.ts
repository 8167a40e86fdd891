// Import: job text -> validated vmdesk tasks and diagnostics. Nothing is written here (write-tasks.ts
// does that, only when every selected task is valid).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DriverConfig } from '../../shared/driver-config';
import { parseTask, taskToFile, type Task, type TaskFile } from '../../shared/task';
import type { Diagnostic } from './diagnostics';
import { checkImagePath, isInside } from './image-check';
import { mapJob, type MappedTask } from './map-job';
import { JobReadError, readJob } from './read-job';

/** Options of an import. */
export interface ImportOptions {
  /** Absolute directory under which each task gets its own directory (`<outDir>/<name>/`). */
  outDir: string;
  /** Import only this task (Nomad task name, `group/task`, or the vmdesk name). */
  only?: string;
  driverConfig: DriverConfig;
  /** The driver's full validation of a task whose image is in place (plan without starting); throws on refusal. */
  validate?: (task: Task, taskFile: string) => Promise<void>;
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

/** What an import found. `ok` is false when any selected task (or the job itself) has an error. */
export interface ImportResult {
  ok: boolean;
  job?: { name: string; format: 'hcl' | 'json' };
  tasks: ImportedTask[];
  diagnostics: Diagnostic[];
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

  const used = new Set<number>();
  const mapped = mapJob(job, {
    taskDir: (name) => join(opts.outDir, name),
    allocId: opts.allocId ?? (() => randomUUID()),
    pickHostPort:
      opts.pickHostPort ??
      (() => {
        // A port from Nomad's default dynamic range (20000-32000), distinct within this import; if it is taken
        // when the VM starts, the start fails with a clear PORT_IN_USE error and the user edits `ports`.
        for (let i = 0; i < 200; i++) {
          const p = 20000 + Math.floor(Math.random() * 12000);
          if (!used.has(p)) {
            used.add(p);
            return p;
          }
        }
        return 20000;
      }),
    bindAddress: opts.driverConfig.port_bind_address,
    ...(opts.only ? { only: opts.only } : {}),
  });

  const diagnostics = [...mapped.diagnostics];
  const tasks: ImportedTask[] = [];
  if (mapped.tasks.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({ severity: 'error', kind: 'no-qemu-task', message: `job "${job.name}" has no task with driver = "qemu"; nothing to import` });
  }
  for (const m of mapped.tasks) {
    const taskDiagnostics = [...m.diagnostics];
    const imported = await validateMapped(m, opts, taskDiagnostics);
    diagnostics.push(...taskDiagnostics);
    if (imported) tasks.push(imported);
  }
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return { ok, job: { name: job.name, format: job.format }, tasks, diagnostics };
}

function whereOf(m: MappedTask, field: string): { line?: number; path?: string } {
  for (let f = field; f; f = f.includes('.') ? f.slice(0, f.lastIndexOf('.')) : '') {
    const w = m.fieldWhere[f];
    if (w) return { ...(w.line !== undefined ? { line: w.line } : {}), path: w.path };
  }
  const w = m.fieldWhere.name;
  return w ? { ...(w.line !== undefined ? { line: w.line } : {}), path: w.path } : {};
}

async function validateMapped(m: MappedTask, opts: ImportOptions, out: Diagnostic[]): Promise<ImportedTask | undefined> {
  const error = (kind: string, message: string, field?: string) =>
    out.push({ severity: 'error', kind, message, task: m.nomadTask, ...(field ? whereOf(m, field) : whereOf(m, 'name')) });
  if (out.some((d) => d.severity === 'error')) return undefined;

  const parsed = parseTask(m.taskFile);
  if (!parsed.ok) {
    error('invalid', parsed.message, parsed.field);
    return undefined;
  }
  const task = parsed.task;
  const taskDir = join(opts.outDir, m.name);
  const taskFile = join(taskDir, `${m.name}.json`);

  // Nomad's image rule, checked lexically (the image is usually not downloaded yet).
  const image = checkImagePath(task.config.image_path, taskDir, opts.driverConfig.image_paths);
  if (!image.allowed) {
    error(
      'image',
      `image_path is not in the allowed paths: ${image.path} is outside the task's directory (${taskDir}) and outside image_paths (${opts.driverConfig.image_paths.join(', ') || 'none set'}); add its directory to image_paths in settings.json or use a path inside the task's directory`,
      'config.image_path',
    );
    return undefined;
  }
  if (existsSync(image.path)) {
    if (opts.validate) {
      try {
        await opts.validate(task, taskFile);
      } catch (err) {
        const e = err as { message?: string; field?: string };
        error('driver', e.message ?? String(err), e.field);
        return undefined;
      }
    }
  } else {
    const fromArtifact = m.artifactDestinations.some((d) => isInside(join(taskDir, d), image.path) || join(taskDir, d) === image.path);
    if (!fromArtifact) {
      out.push({
        severity: 'warning',
        kind: 'image',
        message: `no image at ${image.path} yet and no artifact brings one: put the image there before starting the VM`,
        task: m.nomadTask,
        ...whereOf(m, 'config.image_path'),
      });
    }
  }
  return { name: m.name, group: m.group, nomadTask: m.nomadTask, taskFile, file: taskToFile(task), task };
}
