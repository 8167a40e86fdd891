// Duplicate a VM: its task under a new name, with automatic host ports, and one of three ways to the image:
// `shared` (the same image; only one of the two can run at a time, QEMU locks it), `disposable` (the copy
// runs on a throw-away overlay; it can run beside other overlays, not beside a VM writing the image) or
// `copy` (the copy gets its own copy of the image file in its own task folder: both run at once).
import { constants } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import { parseTask } from '../../shared/task';
import type { DriverConfig } from '../../shared/driver-config';
import { writeAllOrNothing } from '../nomad/write-tasks';
import { inspectImageForForm } from './driver-adapter';
import { ownDirTaskFilePath, tasksDir, writeTaskJson } from './task-store';

/** How the copy reaches its image. */
export type DuplicateImage = 'shared' | 'disposable' | 'copy';

/** The copy's task object (pure): new name, automatic ports, an image path that still means the same file. */
export function duplicateTask(source: Record<string, unknown>, newName: string, sourceDir: string, image: DuplicateImage): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...source, name: newName };
  // Fixed host ports would collide with the original's: the copy picks free ones.
  const ports = copy.ports;
  if (ports && typeof ports === 'object' && !Array.isArray(ports)) {
    copy.ports = Object.fromEntries(Object.keys(ports).map((label) => [label, 0]));
  }
  const config = copy.config && typeof copy.config === 'object' && !Array.isArray(copy.config) ? { ...(copy.config as Record<string, unknown>) } : undefined;
  const path = config?.image_path;
  if (config && typeof path === 'string' && path !== '') {
    // A relative path is the source's folder's; the copy lives elsewhere, so it gets the absolute path (or, with
    // its own image copy, the file's name in its own folder).
    config.image_path = image === 'copy' ? basename(path) : isAbsolute(path) ? path : resolve(sourceDir, path);
    copy.config = config;
  }
  if (image === 'disposable') copy.disposable = true;
  return copy;
}

/** Writes the copy of `source` (read from `sourceFile`) as VM `newName`; `copy` also copies the image file. */
export async function writeDuplicate(opts: {
  home: string;
  source: Record<string, unknown>;
  sourceFile: string;
  newName: string;
  image: DuplicateImage;
  driverConfig: DriverConfig;
}): Promise<void> {
  const { home, source, newName, image } = opts;
  const sourceDir = dirname(opts.sourceFile);
  const copy = duplicateTask(source, newName, sourceDir, image);
  const parsed = parseTask(copy);
  if (!parsed.ok) throw new VmdeskError('INVALID_TASK', `the copy is not a valid task: ${parsed.message}`, parsed.field);
  if (image !== 'copy') {
    await writeTaskJson(home, newName, copy);
    return;
  }
  // Its own image: checked as the driver would (allowed, and no backing file: a relative reference in it would
  // point elsewhere from the new folder), then copied (a reflink where the file system can).
  const from = resolve(sourceDir, String((source.config as Record<string, unknown>).image_path));
  const info = await inspectImageForForm(from, { taskDir: sourceDir, driverConfig: opts.driverConfig });
  if (info.backingFile) {
    throw new VmdeskError('IMAGE_INVALID', `${from} has a backing file (${info.backingFile}); duplicate it as disposable instead, or copy the image chain yourself`, 'image');
  }
  const dir = join(tasksDir(home), newName);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await copyFile(info.path, join(dir, basename(String(parsed.task.config.image_path))), constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    await writeAllOrNothing([{ path: ownDirTaskFilePath(home, newName), content: `${JSON.stringify(copy, null, 2)}\n` }]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
