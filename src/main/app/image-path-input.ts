// What an image path typed into the form means: `~` is the user's home folder, a relative path is relative to
// the VM's task folder (where the driver resolves it at start, as Nomad does in the alloc dir).
import { isAbsolute, join, resolve } from 'node:path';

/** The absolute path the user means by `input` (pure: the task folder and the home folder are given). */
export function resolveImageInput(input: string, taskDir: string, userHome: string): string {
  const path = input.trim();
  if (path === '~') return userHome;
  if (path.startsWith('~/')) return join(userHome, path.slice(2));
  return isAbsolute(path) ? path : resolve(taskDir, path);
}

/** The task with a `~` image path made absolute (what a user typing `~/…` means; Nomad would not expand it). Pure. */
export function expandHomeInTask(task: unknown, userHome: string): unknown {
  if (!task || typeof task !== 'object' || Array.isArray(task)) return task;
  const config = (task as { config?: unknown }).config;
  if (!config || typeof config !== 'object' || Array.isArray(config)) return task;
  const path = (config as { image_path?: unknown }).image_path;
  if (typeof path !== 'string' || !(path.trim() === '~' || path.trim().startsWith('~/'))) return task;
  return { ...task, config: { ...config, image_path: resolveImageInput(path, '/', userHome) } };
}
