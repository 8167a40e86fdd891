// VM definitions made in the app, stored as ordinary task files: $VMDESK_HOME/tasks/<name>.json. A VM made in
// the app runs with `vmdesk run $VMDESK_HOME/tasks/<name>.json`, and a task file run by the CLI shows up in
// the app through the supervisor's records.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VM_NAME_PATTERN, TASK_FILE_MAX_BYTES } from '../../shared/limits';
import { VmdeskError } from '../../shared/errors';

/** Directory of the app's task files. */
export function tasksDir(home: string): string {
  return join(home, 'tasks');
}

/** The task file of VM `name` (the name is checked, so it cannot leave the directory). */
export function taskFilePath(home: string, name: string): string {
  if (!VM_NAME_PATTERN.test(name)) throw new VmdeskError('BAD_REQUEST', `"${name}" is not a valid VM name`);
  return join(tasksDir(home), `${name}.json`);
}

/** Names of the VMs defined in the tasks directory, sorted. */
export async function listTaskNames(home: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(tasksDir(home));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .filter((n) => VM_NAME_PATTERN.test(n))
    .sort();
}

/** True when a task file exists for `name`. */
export async function taskExists(home: string, name: string): Promise<boolean> {
  try {
    return (await stat(taskFilePath(home, name))).isFile();
  } catch {
    return false;
  }
}

/** Reads and JSON-decodes a task file (not validated: callers parse it). */
export async function readTaskJson(file: string): Promise<unknown> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new VmdeskError('VM_NOT_FOUND', `the task file ${file} does not exist`);
  if (info.size > TASK_FILE_MAX_BYTES) {
    throw new VmdeskError('INVALID_TASK', `${file} is larger than ${TASK_FILE_MAX_BYTES} bytes`);
  }
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new VmdeskError('INVALID_TASK', `${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Writes VM `name`'s task file atomically (temp file + rename), private to the user. */
export async function writeTaskJson(home: string, name: string, task: unknown): Promise<string> {
  const file = taskFilePath(home, name);
  await mkdir(tasksDir(home), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(task, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
  return file;
}

/** Removes VM `name`'s task file (no error when it does not exist). */
export async function removeTaskFile(home: string, name: string): Promise<void> {
  await rm(taskFilePath(home, name), { force: true });
}
