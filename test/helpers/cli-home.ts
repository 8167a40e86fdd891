// A temp home for CLI tests: settings.json allowing the guest images, and task files for the guest.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guestDir } from './guest';
import { guestTask } from './guest-plan';
import { makeTempHome, type TempHome } from './temp-home';

/** A temp home whose settings allow the test guest's images. */
export function makeCliHome(): TempHome {
  const t = makeTempHome();
  writeFileSync(join(t.home, 'settings.json'), JSON.stringify({ driver: { image_paths: [guestDir] } }));
  return t;
}

/** Writes a task file for the guest into the home (`config` merged into the task's config); returns its path. */
export function writeGuestTask(t: TempHome, name: string, image: string, extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}): string {
  const path = join(t.home, `${name}.task.json`);
  writeFileSync(path, JSON.stringify(guestTask(name, image, { disposable: true, ...extra }, config)));
  return path;
}
