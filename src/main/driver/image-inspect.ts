// I/O edge: resolves the task's image to its real path, reads its header and (unless the header alone is
// certain: image-probe.ts) `qemu-img info`, and walks the
// backing chain, refusing anything outside the allowed places. QEMU resolves a relative backing or data file
// name against the directory of the image that names it (block.c bdrv_get_full_backing_filename); vmdesk
// hands QEMU the real path, so both sides resolve against the same directory.
import { execFile } from 'node:child_process';
import { open, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { promisify } from 'node:util';
import { VmdeskError } from '../../shared/errors';
import type { ImageInfo } from '../../shared/plan';
import { HEADER_BYTES, parseImageHeader, type ImageHeader } from './image-header';
import { imageFormatProblem } from './image-formats';
import { probeImageInfo } from './image-probe';
import { isAllowedImagePath, referencedFileProblem } from './image-policy';

const execFileAsync = promisify(execFile);

/** Longest backing chain vmdesk follows. */
export const MAX_BACKING_DEPTH = 16;

/** Where images may live: real (symlink-resolved) directories. */
export interface AllowedPlaces {
  taskDir: string;
  imageDirs: string[];
}

/**
 * Real path of `p`, or undefined when it does not exist. A symlink loop or a name too long is a clear
 * IMAGE_INVALID error (it reached callers as a raw ELOOP before); other errors propagate.
 */
export async function realpathOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw new VmdeskError('IMAGE_INVALID', `${p}: too many levels of symbolic links (a symlink loop); point it at a real file`);
    if (code === 'ENAMETOOLONG') throw new VmdeskError('IMAGE_INVALID', `${p.slice(0, 200)}...: the path is too long`);
    throw err;
  }
}

/** The real task dir and the real image_paths that exist (missing ones are skipped). */
export async function resolveAllowedPlaces(taskDir: string, imagePaths: readonly string[]): Promise<AllowedPlaces> {
  const realTaskDir = await realpath(taskDir);
  const dirs: string[] = [];
  for (const p of imagePaths) {
    const r = await realpathOrUndefined(resolve(p));
    if (r) dirs.push(r);
  }
  return { taskDir: realTaskDir, imageDirs: dirs };
}

/** Reads the first HEADER_BYTES of a file: the bytes, what they say, and the file's size. */
async function readHeader(path: string): Promise<{ header: ImageHeader; bytes: Buffer; size: number }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEADER_BYTES, 0);
    const bytes = buf.subarray(0, bytesRead);
    return { header: parseImageHeader(bytes), bytes, size: (await fh.stat()).size };
  } finally {
    await fh.close();
  }
}

/** The header's answer when it is certain (image-probe.ts), else `qemu-img info`. */
async function imageInfo(path: string, head: { header: ImageHeader; bytes: Buffer; size: number }, formatHint: string | undefined, qemuImg: string): Promise<QemuImgInfo> {
  const probed = probeImageInfo(head.bytes, head.header, head.size, path, formatHint);
  if (probed) return { format: probed.format, 'virtual-size': probed.virtualSize };
  return qemuImgInfo(path, formatHint, qemuImg);
}

interface QemuImgInfo {
  format: string;
  'virtual-size'?: number;
  'backing-filename'?: string;
  'backing-filename-format'?: string;
  'format-specific'?: { type?: string; data?: { 'data-file'?: string } };
}

/** `qemu-img info --output=json -U [-f fmt] <abs path>` (an absolute path never parses as a protocol). */
export async function qemuImgInfo(path: string, format?: string, qemuImg = 'qemu-img'): Promise<QemuImgInfo> {
  const args = ['info', '--output=json', '-U', ...(format ? ['-f', format] : []), path];
  try {
    const { stdout } = await execFileAsync(qemuImg, args, { timeout: 30_000, maxBuffer: 4 * 1024 * 1024 });
    return JSON.parse(stdout) as QemuImgInfo;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new VmdeskError('EMULATOR_NOT_FOUND', 'qemu-img was not found on PATH; install qemu-utils (run `vmdesk doctor` for how)');
    }
    const detail = (e.stderr ?? e.message).trim().split('\n').pop();
    throw new VmdeskError('IMAGE_INVALID', `cannot read image ${path}: ${detail}`, 'config.image_path');
  }
}

/** Resolves a referenced file name (backing or data file) against the image that names it; checks it. */
async function checkReferencedFile(
  what: 'backing file' | 'data file',
  name: string,
  owner: string,
  places: AllowedPlaces,
): Promise<string> {
  const problem = referencedFileProblem(name);
  if (problem) {
    throw new VmdeskError('IMAGE_NOT_ALLOWED', `the ${what} "${name}" of ${owner} is refused: ${problem}`, 'config.image_path');
  }
  const full = isAbsolute(name) ? name : resolve(dirname(owner), name);
  const real = await realpathOrUndefined(full);
  if (!real) throw new VmdeskError('IMAGE_INVALID', `the ${what} ${full} of ${owner} does not exist`, 'config.image_path');
  if (!isAllowedImagePath(real, places.taskDir, places.imageDirs)) {
    throw new VmdeskError(
      'IMAGE_NOT_ALLOWED',
      `the ${what} ${real} of ${owner} is not in the allowed paths (the task directory or image_paths)`,
      'config.image_path',
    );
  }
  if (!(await stat(real)).isFile()) {
    throw new VmdeskError('IMAGE_INVALID', `the ${what} ${real} of ${owner} is not a regular file`, 'config.image_path');
  }
  return real;
}

/**
 * Inspects the image at `realImage` (already real and allowed): format, size, and every file it refers to,
 * down the backing chain. A reference outside the allowed places, a protocol reference, a loop or an
 * unsupported format is an error. `format` is the format QEMU is told to open it with (else probed).
 */
export async function inspectImage(realImage: string, places: AllowedPlaces, qemuImg = 'qemu-img', format?: string): Promise<ImageInfo> {
  const seen = new Set<string>();
  let top: ImageInfo | undefined;
  let current = realImage;
  let formatHint: string | undefined = format;
  for (let depth = 0; ; depth++) {
    if (seen.has(current)) {
      throw new VmdeskError('IMAGE_INVALID', `the backing chain of ${realImage} loops back to ${current}`, 'config.image_path');
    }
    if (depth > MAX_BACKING_DEPTH) {
      throw new VmdeskError('IMAGE_INVALID', `the backing chain of ${realImage} is longer than ${MAX_BACKING_DEPTH} images`, 'config.image_path');
    }
    seen.add(current);

    const head = await readHeader(current);
    const header = head.header;
    if (header.problem && (formatHint === undefined || formatHint === header.kind)) {
      throw new VmdeskError('IMAGE_INVALID', `${current}: ${header.problem}`, 'config.image_path');
    }
    const headerFormat = header.kind === 'unknown' ? undefined : header.kind;
    const effective = formatHint ?? headerFormat;
    if (effective && effective !== 'qcow2') {
      const problem = imageFormatProblem(effective);
      if (problem) throw new VmdeskError('IMAGE_INVALID', `${current}: ${problem}`, 'config.image_path');
    }
    // Check what the header names before qemu-img opens anything.
    const interpretAsQcow2 = header.kind === 'qcow2' && (formatHint === undefined || formatHint === 'qcow2');
    if (interpretAsQcow2 && header.dataFile) await checkReferencedFile('data file', header.dataFile, current, places);
    if (interpretAsQcow2 && header.backingFile) await checkReferencedFile('backing file', header.backingFile, current, places);

    const info = await imageInfo(current, head, formatHint, qemuImg);
    const problem = imageFormatProblem(info.format);
    if (problem) throw new VmdeskError('IMAGE_INVALID', `${current}: ${problem}`, 'config.image_path');
    const dataFile = info['format-specific']?.data?.['data-file'];
    if (dataFile) await checkReferencedFile('data file', dataFile, current, places);

    if (!top) {
      top = {
        path: current,
        format: info.format,
        ...(info['virtual-size'] !== undefined ? { virtualSize: info['virtual-size'] } : {}),
        ...(info['backing-filename'] ? { backingFile: info['backing-filename'] } : {}),
        ...(dataFile ? { dataFile } : {}),
      };
    }
    const backing = info['backing-filename'];
    if (!backing) return top;
    current = await checkReferencedFile('backing file', backing, current, places);
    formatHint = info['backing-filename-format'];
  }
}
