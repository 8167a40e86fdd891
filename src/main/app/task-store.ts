// VM definitions made in the app, stored as ordinary task files: $VMDESK_HOME/tasks/<name>.json, or
// $VMDESK_HOME/tasks/<name>/<name>.json for a task with its own directory (what `vmdesk import` writes, so
// relative paths in it resolve there). A VM made in the app runs with `vmdesk run <that file>`, and a task
// file run by the CLI shows up in the app through the supervisor's records.
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { VM_NAME_PATTERN, TASK_FILE_MAX_BYTES } from '../../shared/limits';
import { VmdeskError } from '../../shared/errors';

/** Directory of the app's task files. */
export function tasksDir(home: string): string {
  return join(home, 'tasks');
}

/** The flat task file of VM `name` (the name is checked, so it cannot leave the directory). */
export function taskFilePath(home: string, name: string): string {
  if (!VM_NAME_PATTERN.test(name)) throw new VmdeskError('BAD_REQUEST', `"${name}" is not a valid VM name`);
  return join(tasksDir(home), `${name}.json`);
}

/** The task file of VM `name` in its own directory (`tasks/<name>/<name>.json`). */
export function ownDirTaskFilePath(home: string, name: string): string {
  if (!VM_NAME_PATTERN.test(name)) throw new VmdeskError('BAD_REQUEST', `"${name}" is not a valid VM name`);
  return join(tasksDir(home), name, `${name}.json`);
}

/** True when `path` is a regular file (following symlinks); false when missing or anything else. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The existing task file of `name` (flat first, then its own directory), or undefined. */
export async function findTaskFile(home: string, name: string): Promise<string | undefined> {
  for (const file of [taskFilePath(home, name), ownDirTaskFilePath(home, name)]) {
    if (await isFile(file)) return file;
  }
  return undefined;
}

/** Names of the VMs defined in the tasks directory (either layout), sorted. */
export async function listTaskNames(home: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(tasksDir(home), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const names = new Set<string>();
  for (const e of entries) {
    if (e.isFile() && e.name.endsWith('.json')) names.add(e.name.slice(0, -'.json'.length));
    else if (e.isDirectory() && VM_NAME_PATTERN.test(e.name) && (await isFile(ownDirTaskFilePath(home, e.name)))) names.add(e.name);
  }
  return [...names].filter((n) => VM_NAME_PATTERN.test(n)).sort();
}

/** True when a task file exists for `name` (either layout). */
export async function taskExists(home: string, name: string): Promise<boolean> {
  return (await findTaskFile(home, name)) !== undefined;
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

/** Writes VM `name`'s task file atomically (temp file + rename), private to the user; keeps its layout. */
export async function writeTaskJson(home: string, name: string, task: unknown, opts: { ownDir?: boolean } = {}): Promise<string> {
  // A new VM with artifacts gets its own folder: what they fetch (local/, the placement record) is its alone.
  const file = (await findTaskFile(home, name)) ?? (opts.ownDir ? ownDirTaskFilePath(home, name) : taskFilePath(home, name));
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(task, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
  return file;
}

/** Removes VM `name`'s task file (no error when it does not exist); an own directory goes with it. */
export async function removeTaskFile(home: string, name: string): Promise<void> {
  await rm(taskFilePath(home, name), { force: true });
  await rm(join(tasksDir(home), name), { recursive: true, force: true });
}

/** Renames VM `from` to `to`: a flat file is rewritten by the caller; an own directory moves with its file. */
export async function moveOwnDirTask(home: string, from: string, to: string): Promise<void> {
  const file = await findTaskFile(home, from);
  if (file !== ownDirTaskFilePath(home, from)) return;
  await rename(join(tasksDir(home), from), join(tasksDir(home), to));
  await rename(join(tasksDir(home), to, `${from}.json`), ownDirTaskFilePath(home, to));
}
