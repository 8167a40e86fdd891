// Name -> task has one owner (store/task-locate.ts): the app's services (getTask, start) and the CLI's
// resolveTask (export, fetch, nomad submit) find the same task for a name, in either task-file layout, from a
// run record whose task file still exists or is gone, and refuse an unreadable record the same way.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownDirTaskFilePath, taskFilePath, writeTaskJson } from '../../src/main/app/task-store';
import { planTask } from '../../src/main/driver/prepare';
import { resolveTask } from '../../src/main/nomad/resolve-task';
import { vmDir } from '../../src/main/store/paths';
import { locateTask } from '../../src/main/store/task-locate';
import { recordPath, writeRecord } from '../../src/main/supervisor/state-record';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { parseTask } from '../../src/shared/task';
import type { AppServices } from '../../src/main/app/services';
import { nodeAppServices } from '../helpers/app-services';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

let t: TempHome;
let services: ReturnType<typeof nodeAppServices>;
let app: AppServices;

beforeEach(() => {
  t = makeTempHome();
  services = nodeAppServices(t);
  app = services.app;
});

afterEach(async () => {
  await services.close();
  t.remove();
});

const task = (name: string, memory: number) => ({ name, config: { image_path: 'disk.img' }, resources: { memory, cores: 1 } });

/** A run record of `name` started from `taskFile` (a real plan of a real raw image in the file's folder). */
async function writeExitedRecord(name: string, taskFile: string, memory: number): Promise<void> {
  const dir = join(t.home, 'elsewhere');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'disk.img'), Buffer.alloc(1024 * 1024));
  const parsed = parseTask(task(name, memory));
  if (!parsed.ok) throw new Error(parsed.message);
  const plan = await planTask(parsed.task, dir, { driverConfig: DEFAULT_DRIVER_CONFIG, home: t.home, env: t.env });
  mkdirSync(vmDir(t.home, name), { recursive: true });
  writeRecord(vmDir(t.home, name), { version: 1, name, state: 'exited', uuid: '6f1b1c1e-0000-4000-8000-000000000001', plan, taskFile, createdAt: new Date().toISOString() });
}

describe('name -> task: one rule for the app and the CLI', () => {
  it('the flat task file, else the one in its own directory (the CLI used to miss the second layout)', async () => {
    await writeTaskJson(t.home, 'flat', task('flat', 256));
    mkdirSync(join(t.home, 'tasks', 'own'), { recursive: true });
    writeFileSync(ownDirTaskFilePath(t.home, 'own'), JSON.stringify(task('own', 384)));
    for (const [name, file, memory] of [['flat', taskFilePath(t.home, 'flat'), 256], ['own', ownDirTaskFilePath(t.home, 'own'), 384]] as const) {
      expect(await locateTask(t.home, name)).toEqual({ kind: 'file', path: file });
      expect(await resolveTask(name, { home: t.home })).toMatchObject({ taskFile: file, task: { resources: { memory } } });
      expect(await app.handlers.getTask!({ name })).toMatchObject({ resources: { memory } });
    }
  });

  it('a VM run from a task file elsewhere: that file while it exists, then the task its record holds', async () => {
    const file = join(t.home, 'elsewhere', 'web.json');
    await writeExitedRecord('web', file, 512);
    writeFileSync(file, JSON.stringify(task('web', 640)));
    expect(await locateTask(t.home, 'web')).toEqual({ kind: 'file', path: file });
    expect((await resolveTask('web', { home: t.home })).task.resources.memory).toBe(640);
    expect(await app.handlers.getTask!({ name: 'web' })).toMatchObject({ resources: { memory: 640 } });

    rmSync(file);
    expect(await locateTask(t.home, 'web')).toMatchObject({ kind: 'record', recordFile: recordPath(vmDir(t.home, 'web')), taskFile: file });
    expect(await resolveTask('web', { home: t.home })).toMatchObject({ taskFile: recordPath(vmDir(t.home, 'web')), task: { resources: { memory: 512 } } });
    // The app starts VMs from files: it names the file that is gone.
    await expect(app.handlers.getTask!({ name: 'web' })).rejects.toThrow(/web\.json/);
  });

  it('an unknown name is VM_NOT_FOUND for both; an unreadable record is STATE_CORRUPT for both', async () => {
    expect(await locateTask(t.home, 'nope')).toBeUndefined();
    await expect(resolveTask('nope', { home: t.home })).rejects.toMatchObject({ code: 'VM_NOT_FOUND' });
    await expect(app.handlers.getTask!({ name: 'nope' })).rejects.toMatchObject({ code: 'VM_NOT_FOUND' });
    mkdirSync(vmDir(t.home, 'bad'), { recursive: true });
    writeFileSync(recordPath(vmDir(t.home, 'bad')), '{ torn');
    await expect(resolveTask('bad', { home: t.home })).rejects.toMatchObject({ code: 'STATE_CORRUPT', message: expect.stringMatching(/record of VM "bad" cannot be read: not valid JSON/) });
    await expect(app.handlers.getTask!({ name: 'bad' })).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
  });
});
