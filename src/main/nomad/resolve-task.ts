// NAME|TASKFILE -> a task and the file it came from, for `vmdesk export` and `vmdesk nomad submit`.
// A path to an existing file is a task file; otherwise a VM name: the app's task file
// ($VMDESK_HOME/tasks/<name>.json), else the task file the supervisor ran the VM from (`lookupVm`).
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import { VM_NAME_PATTERN } from '../../shared/limits';
import type { Task } from '../../shared/task';
import { taskFilePath } from '../app/task-store';
import { readTaskFile } from '../driver/prepare';

/** Where a task was found. */
export interface ResolvedTask {
  task: Task;
  taskFile: string;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Resolves a VM name or a task file path. `lookupVm` asks the supervisor's records for a VM's task file. */
export async function resolveTask(
  ref: string,
  opts: { home: string; lookupVm?: (name: string) => Promise<string | undefined> },
): Promise<ResolvedTask> {
  const asPath = resolve(ref);
  if (await isFile(asPath)) return { task: await readTaskFile(asPath), taskFile: asPath };
  if (!VM_NAME_PATTERN.test(ref)) {
    throw new VmdeskError('VM_NOT_FOUND', `${ref}: no such task file, and not a VM name`);
  }
  const appFile = taskFilePath(opts.home, ref);
  if (await isFile(appFile)) return { task: await readTaskFile(appFile), taskFile: appFile };
  const supervised = await opts.lookupVm?.(ref);
  if (supervised && (await isFile(supervised))) return { task: await readTaskFile(supervised), taskFile: supervised };
  throw new VmdeskError('VM_NOT_FOUND', `no VM named "${ref}" and no task file ${ref}; give a task file path or the name of a VM vmdesk knows`);
}
