// Writes imported task files all or nothing: every target is checked first, each file is written to a
// temporary name and renamed into place, and a failure part-way removes what this call created.
import { mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VmdeskError } from '../../shared/errors';

/** One file to write. */
export interface FileToWrite {
  path: string;
  content: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Creates `dir` and missing parents; returns the directories it created, deepest last. */
async function makeDirs(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let d = dir; !(await exists(d)); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) await mkdir(d, { mode: 0o755 });
  return missing;
}

/** Writes every file or none. Refuses to overwrite an existing file unless `overwrite` is set. */
export async function writeAllOrNothing(files: FileToWrite[], opts: { overwrite?: boolean } = {}): Promise<void> {
  if (!opts.overwrite) {
    const present = [];
    for (const f of files) if (await exists(f.path)) present.push(f.path);
    if (present.length > 0) {
      throw new VmdeskError('IMPORT_FAILED', `not overwriting existing file(s): ${present.join(', ')} (remove them, choose another --out, or pass --force)`);
    }
  }
  const createdDirs: string[] = [];
  const temps: string[] = [];
  const placed: string[] = [];
  try {
    for (const f of files) {
      createdDirs.push(...(await makeDirs(dirname(f.path))));
      const temp = `${f.path}.tmp-${process.pid}`;
      const handle = await open(temp, 'wx', 0o644);
      temps.push(temp);
      try {
        await handle.writeFile(f.content);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const [i, f] of files.entries()) {
      await rename(temps[i]!, f.path);
      placed.push(f.path);
    }
  } catch (err) {
    for (const p of [...temps, ...(opts.overwrite ? [] : placed)]) await rm(p, { force: true });
    for (const d of createdDirs.reverse()) await rmdir(d).catch(() => undefined);
    throw err;
  }
}
