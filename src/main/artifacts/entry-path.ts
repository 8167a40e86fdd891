// Whether an archive entry may be written: no absolute paths, no `..` components, no NUL, and (checked at
// write time, on the real file system) nothing that lands outside the destination, also through symlinks
// the archive made earlier ("zip slip"). Pure except realInside, which resolves real paths.
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Why an entry name is refused, or undefined when it is a plain relative path. */
export function entryNameProblem(name: string): string | undefined {
  if (name === '' || name.includes('\0')) return 'an empty or NUL-holding name';
  if (isAbsolute(name) || /^[A-Za-z]:[\\/]/.test(name) || name.startsWith('\\')) return 'an absolute path';
  if (name.split(/[\\/]+/).includes('..')) return 'a ".." path component, which leaves the destination';
  return undefined;
}

/** Why a symlink entry is refused: its target must stay inside `root` when read from the link's real directory. */
export function linkTargetProblem(realLinkDir: string, target: string, realRoot: string): string | undefined {
  if (target === '' || target.includes('\0')) return 'a symlink with an empty target';
  if (isAbsolute(target)) return `a symlink to the absolute path ${target}`;
  if (!isInside(resolve(realLinkDir, target), realRoot)) return `a symlink to ${target}, which points outside the destination`;
  return undefined;
}

/** True when `p` is `root` or below it (lexically). */
export function isInside(p: string, root: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

/** The real path of `path`'s parent directory when it lies inside `realRoot`, else undefined. */
export function realParentInside(path: string, realRoot: string): string | undefined {
  const real = realpathSync(dirname(path));
  return isInside(real, realRoot) ? real : undefined;
}
