// I/O edge: the task's own image paths (image_path, each config.drives path) -> their real, allowed,
// inspected files, through the one image rule (image-rule.ts) that every file QEMU opens as a drive passes,
// whether named by image_path, drives or args.
import { VmdeskError } from '../../shared/errors';
import type { ImageInfo } from '../../shared/plan';
import type { Task } from '../../shared/task';
import { imagePathSyntaxProblem } from './image-policy';
import type { AllowedPlaces } from './image-inspect';
import { checkImageFile } from './image-rule';

/** Which task field a path came from: `label` starts messages (Nomad's "image_path ..."), `field` is the dotted path. */
export interface ImageField {
  label: string;
  field: string;
}

/** The task's image. */
export const IMAGE_PATH_FIELD: ImageField = { label: 'image_path', field: 'config.image_path' };

/** The field of drive `i`'s path. */
export function driveField(i: number): ImageField {
  return { label: `drives[${i}].path`, field: `config.drives.${i}.path` };
}

/**
 * Resolves, checks and inspects one image path string. `configuredImagePaths` are the driver config's
 * image_paths as written (for the lexical refusal of a missing file, so that no existence oracle leaks).
 */
export async function resolveImage(pathText: string, at: ImageField, places: AllowedPlaces, configuredImagePaths: readonly string[]): Promise<ImageInfo> {
  if (imagePathSyntaxProblem(pathText) === 'image_path must be set') throw new VmdeskError('INVALID_TASK', `${at.label} must be set`, at.field);
  return checkImageFile({ path: pathText, name: at.label, field: at.field }, places, configuredImagePaths);
}

/** Every config.drives path through resolveImage, in order (one after the other: the first bad one is the error). */
export async function resolveDrives(task: Task, places: AllowedPlaces, configuredImagePaths: readonly string[]): Promise<ImageInfo[]> {
  const out: ImageInfo[] = [];
  for (const [i, d] of (task.config.drives ?? []).entries()) out.push(await resolveImage(d.path, driveField(i), places, configuredImagePaths));
  return out;
}
