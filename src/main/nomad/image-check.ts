// The image_path rule of Nomad's qemu driver, checked before the image exists (an imported task's image is
// usually still to be downloaded): the path, resolved against the task's directory, must lie inside that
// directory or inside one of the driver config's image_paths (drivers/qemu/driver.go isAllowedImagePath).
// The driver checks the real path again at start, symlinks resolved.
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** True when `child` is `parent` or lies below it (lexically). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Where the image of a task in `taskDir` is, and whether Nomad's rule allows it. */
export function checkImagePath(imagePath: string, taskDir: string, imagePaths: string[]): { path: string; allowed: boolean } {
  const path = resolve(taskDir, imagePath);
  return { path, allowed: isInside(taskDir, path) || imagePaths.some((p) => isInside(p, path)) };
}
