// `vmdesk test JOBFILE`: a Nomad job file given directly is imported in memory (nothing is written), its qemu
// task's service checks become the test's checks (nomad/map-checks.ts), and the job file's own directory is the
// task's directory, so a relative image_path and the artifacts' destinations resolve next to the job file.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DriverConfig } from '../../shared/driver-config';
import { TASK_FILE_MAX_BYTES } from '../../shared/limits';
import type { Task } from '../../shared/task';
import { formatDiagnostic } from '../nomad/diagnostics';
import { importJobText } from '../nomad/import-job';
import { TestInputError } from './test-inputs';

/** Whether a file given to `vmdesk test` is a Nomad job: a .hcl/.nomad name, or JSON in the API's job form. Pure. */
export function isNomadJobFile(path: string, text: string): boolean {
  if (/\.(hcl|nomad)$/i.test(path)) return true;
  try {
    const data = JSON.parse(text) as unknown;
    return typeof data === 'object' && data !== null && !Array.isArray(data) && ('Job' in data || 'TaskGroups' in data);
  } catch {
    return false;
  }
}

/** The job file's text when `path` is a Nomad job file, else undefined (a task file, or no such file). */
export async function readJobFileText(path: string): Promise<string | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    return undefined;
  }
  if (buf.length > TASK_FILE_MAX_BYTES) return /\.(hcl|nomad)$/i.test(path) ? buf.toString('utf8') : undefined;
  const text = buf.toString('utf8');
  return isNomadJobFile(path, text) ? text : undefined;
}

/** The one qemu task of a job file (or the one `only` names), imported with the job file's directory as its directory. */
export async function taskFromJobFile(jobFile: string, text: string, opts: { home: string; driverConfig: DriverConfig; only?: string }): Promise<Task> {
  if (text.length > TASK_FILE_MAX_BYTES) throw new TestInputError(`${jobFile}: larger than ${TASK_FILE_MAX_BYTES} bytes; a Nomad job file is small`);
  const dir = dirname(jobFile);
  const r = await importJobText(text, { outDir: dir, taskDirOf: () => dir, driverConfig: opts.driverConfig, home: opts.home, ...(opts.only ? { only: opts.only } : {}) });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new TestInputError(`${jobFile}: ${errors.map(formatDiagnostic).join('; ')}`);
  if (r.tasks.length === 0) throw new TestInputError(`${jobFile}: no qemu task to test`);
  if (r.tasks.length > 1) {
    throw new TestInputError(`${jobFile}: job "${r.job?.name}" has ${r.tasks.length} qemu tasks (${r.tasks.map((t) => t.nomadTask).join(', ')}); pick one with --task NAME`);
  }
  return r.tasks[0]!.task;
}
