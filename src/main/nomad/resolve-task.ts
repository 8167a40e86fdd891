// NAME|TASKFILE -> a task and the file it came from, for `vmdesk export`, `vmdesk fetch` and `vmdesk nomad
// submit`. A path to an existing file is a task file; otherwise a VM name, found by the one name -> task rule
// (store/task-locate.ts: the app's task file, either layout, else the VM's run record).
import { resolve } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import { VM_NAME_PATTERN } from '../../shared/limits';
import { parseTask, taskToFile, type Task } from '../../shared/task';
import { readTaskFile } from '../driver/prepare';
import { isFile } from '../app/task-store';
import { locateTask } from '../store/task-locate';

/** Where a task was found. */
export interface ResolvedTask {
  task: Task;
  /** The task file, or the supervisor's record when the task came from there. */
  taskFile: string;
}

/** Resolves a VM name or a task file path. */
export async function resolveTask(ref: string, opts: { home: string }): Promise<ResolvedTask> {
  const asPath = resolve(ref);
  if (await isFile(asPath)) return { task: await readTaskFile(asPath), taskFile: asPath };
  if (!VM_NAME_PATTERN.test(ref)) {
    throw new VmdeskError('VM_NOT_FOUND', `${ref}: no such task file, and not a VM name`);
  }
  const where = await locateTask(opts.home, ref);
  if (where?.kind === 'file') return { task: await readTaskFile(where.path), taskFile: where.path };
  if (where) {
    // The record is read from disk: its task goes through the task schema again.
    const parsed = parseTask(taskToFile(where.record.plan.task));
    if (!parsed.ok) throw new VmdeskError('STATE_CORRUPT', `the record of VM "${ref}" holds an invalid task: ${parsed.message}`);
    return { task: parsed.task, taskFile: where.recordFile };
  }
  throw new VmdeskError('VM_NOT_FOUND', `no VM named "${ref}" and no task file ${ref}; give a task file path or the name of a VM vmdesk knows`);
}
