// The Checks tab's handlers over real files and a real supervisor (no VM started; the native dialogs are FAKE
// stand-ins): the overview names the task file and the exact CLI command, a task without checks is refused before
// anything starts, and readTestFile reads a run's console.log (its end, with its offset) and screenshots only
// from inside that run's results folder, not through a symlink out of it.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeAppServices } from '../helpers/app-services';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { guestTask } from '../helpers/guest-plan';
import { testResultsRoot } from '../../src/main/checks/run-history';
import { TEST_CONSOLE_MAX_BYTES } from '../../src/main/app/checks-handlers';
import { commandLine } from '../../src/shared/shell-words';
import { VmdeskError } from '../../src/shared/errors';

let t: TempHome;
let services: ReturnType<typeof nodeAppServices>;
beforeEach(() => {
  t = makeTempHome();
  services = nodeAppServices(t);
});
afterEach(async () => {
  await services.close();
  t.remove();
});

const h = () => services.app.handlers;

describe('the Checks handlers', () => {
  it('gives the task file and the exact `vmdesk test` command; refuses to run a task without checks', async () => {
    const { taskFile } = await h().saveTask({ task: guestTask('site', '/nowhere/disk.img') } as never);
    const o = await h().checksOverview({ name: 'site' } as never);
    expect(o).toMatchObject({ taskFile, command: commandLine('vmdesk', ['test', taskFile]), active: null, runs: [] });
    expect(o.command).toBe(`vmdesk test ${taskFile}`); // a plain path needs no quotes (shell-words.ts quotes the others)
    const err = await h().runChecks({ name: 'site' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VmdeskError);
    expect(err).toMatchObject({ code: 'INVALID_TASK', field: 'checks', message: expect.stringMatching(/has no checks; add "checks"/) });
    await expect(h().stopChecks({ name: 'site' } as never)).rejects.toThrow(/no test of "site" is running/);
  });

  it('reads a run\'s console.log (its last MiB) and a screenshot, only inside the run folder', async () => {
    await h().saveTask({ task: guestTask('web', '/nowhere/disk.img') } as never);
    const dir = join(testResultsRoot(t.home, 'web'), '20261204T005812Z');
    mkdirSync(dir, { recursive: true });
    const big = `${'x'.repeat(TEST_CONSOLE_MAX_BYTES)}THE END\n`;
    writeFileSync(join(dir, 'console.log'), big);
    writeFileSync(join(dir, 'shot.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    writeFileSync(join(t.home, 'secret.txt'), 'secret');
    symlinkSync(join(t.home, 'secret.txt'), join(dir, 'leak.txt'));
    const text = await h().readTestFile({ name: 'web', run: '20261204T005812Z', file: 'console.log' } as never);
    expect(text).toMatchObject({ kind: 'text', size: big.length, offset: big.length - TEST_CONSOLE_MAX_BYTES });
    expect(text.kind === 'text' && text.text.endsWith('THE END\n')).toBe(true);
    expect(await h().readTestFile({ name: 'web', run: '20261204T005812Z', file: 'shot.png' } as never)).toEqual({ kind: 'png', base64: 'iVBORw==', size: 4 });
    await expect(h().readTestFile({ name: 'web', run: '20261204T005812Z', file: 'leak.txt' } as never)).rejects.toThrow(/not inside the run's results folder/);
    await expect(h().readTestFile({ name: 'web', run: '20261204T005812Z', file: 'gone.png' } as never)).rejects.toThrow(/has no file gone.png/);
  });
});
