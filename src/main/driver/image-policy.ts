// Pure decisions about image paths: where an image may live, and which path strings are refused before any
// file system look-up. The I/O layer (prepare.ts) resolves real paths and calls these.
import { isAbsolute, posix } from 'node:path';

/**
 * True when `realPath` lies inside `realDir` (or is it). Both must already be real paths (symlinks
 * resolved). Unlike Nomad's string prefix check, "/tmpx" is not inside "/tmp" and "/a/../b" never counts.
 */
export function isInsideDir(realPath: string, realDir: string): boolean {
  if (!isAbsolute(realPath) || !isAbsolute(realDir)) return false;
  const rel = posix.relative(posix.normalize(realDir), posix.normalize(realPath));
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel));
}

/** True when the real image path lies inside the real task directory or one of the real allowed dirs. */
export function isAllowedImagePath(realImage: string, realTaskDir: string, realAllowedDirs: readonly string[]): boolean {
  return [realTaskDir, ...realAllowedDirs].some((dir) => isInsideDir(realImage, dir));
}

/**
 * Nomad's lexical rule (isAllowedImagePath in drivers/qemu/driver.go) with its string-prefix bug fixed:
 * a relative path is joined to the task dir; no symlink resolution. Used for Nomad-compatibility tests and as
 * a first, cheap refusal before the real-path check.
 */
export function isAllowedImagePathLexically(imagePath: string, taskDir: string, allowedDirs: readonly string[]): boolean {
  const abs = isAbsolute(imagePath) ? posix.normalize(imagePath) : posix.join(taskDir, imagePath);
  return isAllowedImagePath(abs, posix.normalize(taskDir), allowedDirs.map((d) => posix.normalize(d)));
}

// A leading "word:" is how QEMU recognises a protocol ("file:", "json:", "nbd:", "http:", "host_device:"...):
// path_has_protocol() in QEMU's block.c treats anything before the first ":" that holds no "/" as one. vmdesk always hands QEMU an absolute real path, which never parses
// as a protocol, but a task that asks for one is refused outright so that the intent is clear.
const PROTOCOL_PREFIX = /^[^:/]+:/;

/** Why an image_path string is refused before any look-up, or undefined when it may be resolved. */
export function imagePathSyntaxProblem(imagePath: string): string | undefined {
  if (imagePath.trim() === '') return 'image_path must be set';
  const prefix = PROTOCOL_PREFIX.exec(imagePath);
  if (prefix) {
    return `image_path: "${prefix[0]}" protocol prefixes are not allowed; give a path to an image file (relative to the task file's directory)`;
  }
  if (/[\u0000-\u001f\u007f]/.test(imagePath)) return 'image_path: must not contain control characters (newline, tab, NUL)';
  return undefined;
}

/** Why a backing or data file name (as written in an image header) is refused, or undefined. */
export function referencedFileProblem(name: string): string | undefined {
  if (name.startsWith('json:')) return 'it is a "json:" pseudo-protocol reference';
  const prefix = PROTOCOL_PREFIX.exec(name);
  if (prefix && !name.startsWith('/')) return `it uses the "${prefix[0]}" protocol`;
  return undefined;
}
