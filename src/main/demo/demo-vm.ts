// A demo VM in $VMDESK_HOME/tasks/<name>/ (the disk next to its task file), as the app's first-run button and
// `vmdesk demo` make it: the same code for both.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAllOrNothing } from '../nomad/write-tasks';
import { ownDirTaskFilePath, tasksDir } from '../app/task-store';
import { buildDemoImage, demoTask, type DemoProgress } from './demo-image';

/** Builds the demo disk into tasks/<name>/ and writes its task file there; on failure nothing is left. */
export async function createDemoVm(home: string, name: string, onProgress: DemoProgress = () => {}): Promise<{ name: string; taskFile: string }> {
  const dir = join(tasksDir(home), name);
  const taskFile = ownDirTaskFilePath(home, name);
  try {
    await buildDemoImage(dir, onProgress);
    await writeAllOrNothing([{ path: taskFile, content: `${JSON.stringify(demoTask(name), null, 2)}\n` }]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return { name, taskFile };
}
