// Reading an artifact's source the way go-getter does: an http(s) URL (its `archive` and `checksum` query
// parameters are go-getter's, taken out before the request), a file:// URL, or a path relative to the task
// directory. A local source must lie in the task directory or in image_paths, with symlinks resolved: a task
// file must not copy host files (say /etc/shadow) into the VM's reach. Pure apart from realLocalSource.
import { realpathSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VmdeskError } from '../../shared/errors';
import { archiveKindNamed, archiveKindOf, type ArchiveKind } from './archive-kind';
import { isInside } from './entry-path';

/** A source, read. */
export type ParsedSource =
  | { kind: 'http'; url: string; fileName: string; archive?: ArchiveKind | 'none' | 'unsupported'; checksum?: string }
  | { kind: 'local'; path: string; fileName: string };

/** Reads a source string (see the file comment). */
export function parseSource(source: string, taskDir: string): ParsedSource {
  if (/^https?:\/\//i.test(source)) {
    const url = new URL(source);
    const archive = url.searchParams.get('archive');
    const checksum = url.searchParams.get('checksum');
    url.searchParams.delete('archive');
    url.searchParams.delete('checksum');
    let fileName = basename(decodeURIComponent(url.pathname));
    if (fileName === '' || fileName === '.' || fileName === '..' || fileName.includes('\0')) fileName = 'download';
    const named = archive !== null ? archiveKindNamed(archive) : undefined;
    if (archive !== null && named === undefined) throw new VmdeskError('INVALID_TASK', `source: ?archive=${archive} is not an archive type go-getter knows (tar.gz, zip, xz, ... or false)`);
    return { kind: 'http', url: url.href, fileName, ...(named ? { archive: named } : {}), ...(checksum ? { checksum } : {}) };
  }
  const path = source.startsWith('file://') ? fileURLToPath(source) : isAbsolute(source) ? source : resolve(taskDir, source);
  return { kind: 'local', path, fileName: basename(path) };
}

/** The archive kind a parsed source has under the artifact's `archive` option. */
export function sourceArchiveKind(s: ParsedSource, archiveOption: boolean): ArchiveKind | 'unsupported' | undefined {
  if (!archiveOption) return undefined;
  if (s.kind === 'http' && s.archive !== undefined) return s.archive === 'none' ? undefined : s.archive;
  return archiveKindOf(s.fileName);
}

/** The real path of a local source, when it is a file inside the task directory or an image_paths entry. */
export function realLocalSource(path: string, realTaskDir: string, imageDirs: string[]): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new VmdeskError('ARTIFACT_FAILED', `source ${path} does not exist`);
  }
  const dirs = [realTaskDir, ...imageDirs.map((d) => { try { return realpathSync(d); } catch { return undefined; } }).filter((d): d is string => d !== undefined)];
  if (!dirs.some((d) => isInside(real, d))) {
    throw new VmdeskError(
      'IMAGE_NOT_ALLOWED',
      `source ${path}${real !== path ? ` (really ${real})` : ''} is outside the task directory ${realTaskDir}${imageDirs.length ? ` and image_paths (${imageDirs.join(', ')})` : ' and no image_paths are configured'}; a local artifact must come from there`,
    );
  }
  return real;
}
