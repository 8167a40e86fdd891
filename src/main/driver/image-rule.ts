// The one rule for every disk image QEMU will open, wherever the task names it (image_path, args' -drive /
// -blockdev, a -readconfig [drive], and any future option such as `drives`): the path is resolved (relative
// to the task's directory, symlinks followed), must lie in the task's directory or image_paths, must be a
// regular file (a FIFO or device would block or read the host), its format must be one vmdesk runs, and its
// backing chain and qcow2 external data file must pass the same rule (image-inspect.ts). A missing path
// outside the allowed places gets the same answer as an existing one (no existence oracle).
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import type { ImageInfo } from '../../shared/plan';
import { imageFormatProblem } from './image-formats';
import { type AllowedPlaces, inspectImage, realpathOrUndefined } from './image-inspect';
import { imagePathSyntaxProblem, isAllowedImagePath, isAllowedImagePathLexically } from './image-policy';

/** How the image is named in errors, and what it comes with. */
export interface ImageRef {
  /** The path as the task wrote it (relative: to the task's directory). */
  path: string;
  /** The format QEMU is told to use; undefined when QEMU would probe it. */
  format?: string;
  /** Refuse an image without an explicit format (everything but image_path, whose format vmdesk detects and passes). */
  requireFormat?: boolean;
  /** The subject of error messages ("image_path", `"-drive" file=x.qcow2`). */
  name: string;
  /** The task field errors point at ("config.image_path", "config.args.3"). */
  field: string;
}

/**
 * Checks one image QEMU will open against the image rule; returns what inspectImage found (real path,
 * format, chain). `configuredDirs` are the driver config's image_paths as written (for the lexical answer
 * about a missing file). Throws IMAGE_NOT_ALLOWED / IMAGE_NOT_FOUND / IMAGE_INVALID with the reason.
 */
export async function checkImageFile(ref: ImageRef, places: AllowedPlaces, configuredDirs: readonly string[], qemuImg = 'qemu-img'): Promise<ImageInfo> {
  const fail = (code: 'IMAGE_NOT_ALLOWED' | 'IMAGE_NOT_FOUND' | 'IMAGE_INVALID', message: string) => new VmdeskError(code, message, ref.field);
  const syntax = imagePathSyntaxProblem(ref.path);
  if (syntax) throw fail('IMAGE_NOT_ALLOWED', syntax.replace(/^image_path/, ref.name));
  const wanted = isAbsolute(ref.path) ? ref.path : resolve(places.taskDir, ref.path);
  const where = `outside the task directory ${places.taskDir}` + (places.imageDirs.length ? ` and image_paths (${places.imageDirs.join(', ')})` : ' and no image_paths are configured');
  const real = await realpathOrUndefined(wanted);
  if (real === undefined) {
    if (!isAllowedImagePathLexically(wanted, places.taskDir, [...places.imageDirs, ...configuredDirs])) {
      throw fail('IMAGE_NOT_ALLOWED', `${ref.name} is not in the allowed paths: ${wanted} is ${where}`);
    }
    throw fail('IMAGE_NOT_FOUND', `${ref.name}: ${wanted} does not exist`);
  }
  if (!isAllowedImagePath(real, places.taskDir, places.imageDirs)) {
    throw fail('IMAGE_NOT_ALLOWED', `${ref.name} is not in the allowed paths: ${real === wanted ? real : `${wanted} (really ${real})`} is ${where}`);
  }
  if (!(await stat(real)).isFile()) throw fail('IMAGE_INVALID', `${ref.name}: ${real} is not a regular file`);
  if (ref.requireFormat && ref.format === undefined) {
    throw fail('IMAGE_INVALID', `${ref.name}: give the image's format explicitly (format=qcow2 or format=raw ...); QEMU would guess it from the file's content`);
  }
  if (ref.format !== undefined) {
    const problem = imageFormatProblem(ref.format);
    if (problem) throw fail('IMAGE_INVALID', `${ref.name}: ${problem}`);
  }
  try {
    return await inspectImage(real, places, qemuImg, ref.format);
  } catch (err) {
    if (err instanceof VmdeskError && ref.field !== 'config.image_path') throw new VmdeskError(err.code, `${ref.name}: ${err.message}`, ref.field);
    throw err;
  }
}
