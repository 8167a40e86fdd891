// NAME|TASKFILE -> a task and the file it came from, for `vmdesk export` and `vmdesk nomad submit`.
// A path to an existing file is a task file; otherwise a VM name: the app's task file
// ($VMDESK_HOME/tasks/<name>.json), else the supervisor's record of the VM ($VMDESK_HOME/vms/<name>/vm.json):
// the task file it was started from if that still exists, else the task the record holds.
import { stat } from 'node:fs/promises';
import { VmdeskError } from '../../shared/errors';
import { VM_NAME_PATTERN } from '../../shared/limits';
import { parseTask, taskToFile, type Task } from '../../shared/task';
import { join, resolve } from 'node:path';
import { taskFilePath } from '../app/task-store';
import { readTaskFile } from '../driver/prepare';
import { vmsDir } from '../store/paths';
import { readRecord } from '../supervisor/state-record';

/** Where a task was found. */
export interface ResolvedTask {
  task: Task;
  /** The task file, or the supervisor's record when the task came from there. */
  taskFile: string;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Resolves a VM name or a task file path. */
export async function resolveTask(ref: string, opts: { home: string }): Promise<ResolvedTask> {
  const asPath = resolve(ref);
  if (await isFile(asPath)) return { task: await readTaskFile(asPath), taskFile: asPath };
  if (!VM_NAME_PATTERN.test(ref)) {
    throw new VmdeskError('VM_NOT_FOUND', `${ref}: no such task file, and not a VM name`);
  }
  const appFile = taskFilePath(opts.home, ref);
  if (await isFile(appFile)) return { task: await readTaskFile(appFile), taskFile: appFile };
  const vmDir = join(vmsDir(opts.home), ref);
  const record = readRecord(vmDir);
  if (record.ok) {
    const file = record.record.taskFile;
    if (file && (await isFile(file))) return { task: await readTaskFile(file), taskFile: file };
    // The record is read from disk: its task goes through the task schema again.
    const parsed = parseTask(taskToFile(record.record.plan.task));
    if (!parsed.ok) throw new VmdeskError('STATE_CORRUPT', `the record of VM "${ref}" holds an invalid task: ${parsed.message}`);
    return { task: parsed.task, taskFile: join(vmDir, 'vm.json') };
  }
  if (!record.missing) throw new VmdeskError('STATE_CORRUPT', `the record of VM "${ref}" cannot be read: ${record.reason}`);
  throw new VmdeskError('VM_NOT_FOUND', `no VM named "${ref}" and no task file ${ref}; give a task file path or the name of a VM vmdesk knows`);
}
