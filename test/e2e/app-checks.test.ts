// The Checks tab end to end (issue #16): the built renderer in Chromium, the real preload bridged to the real main
// process (only Electron FAKED), `vmdesk test`'s engine starting the real test guest under TCG. The user writes
// checks in the form (a wrong status is named at its field as they type) and in JSON (a syntax error with its line,
// a schema error with its JSON path), saves them into the task file, runs them: each check's live state goes to
// passed, a wrong console regex fails with its evidence (message, last console lines, the console at the failing
// moment, the screenshot kept), the results folder holds what the CLI writes; fixed, the next run passes; Stop
// ends a run and its VM; "Copy as CLI command" copies `vmdesk test <task file>`.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchApp, type AppHarness } from '../helpers/app-harness';
import { pidsMentioning } from '../helpers/cleanup';
import { guestDisk, guestMarkers, type GuestMarkers } from '../helpers/guest';
import { guestTask } from '../helpers/guest-plan';
import { step } from '../helpers/journey';
import { commandLine } from '../../src/shared/shell-words';
import { testReportSchema } from '../../src/shared/test-report';

vi.setConfig({ testTimeout: 900_000, hookTimeout: 240_000 });

let h: AppHarness;
let images: string;
let markers: GuestMarkers;
let taskFile: string;

beforeAll(async () => {
  markers = guestMarkers(); // fails with the build command when the guest is missing
  images = mkdtempSync(join(tmpdir(), 'vd-checks-app-'));
  copyFileSync(guestDisk, join(images, 'web.img'));
  h = await launchApp({ viewport: { width: 1280, height: 1300 }, settings: { driver: { image_paths: [images] } } });
  await h.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  // The VM itself (not what this test is about): saved as the form would save it.
  const saved = await h.invoke('saveTask', { task: guestTask('web', join(images, 'web.img')) });
  if (!saved.ok) throw new Error(saved.error.message);
  taskFile = saved.value.taskFile;
});
afterAll(async () => {
  await h?.close();
  rmSync(images, { recursive: true, force: true });
});

const byId = (id: string) => h.page.getByTestId(id).first();
const row = (i: number) => h.page.getByTestId('check-row').nth(i);
const liveStates = () => h.page.getByTestId('live-check').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-name')}:${e.getAttribute('data-state')}`));
const qemuOfThisApp = () => pidsMentioning(h.runtimeDir);

describe('the Checks tab', () => {
  it('edits checks (form and JSON), runs them on a disposable VM live, shows a failure with its evidence, passes once fixed, stops on Stop, copies the CLI command', async () => {
    const page = h.page;
    await step(h, 'open the VM and its Checks tab', async () => {
      await page.locator('[data-testid=vm-item][data-name="web"]').click();
      await byId('vm-view').waitFor();
      await page.getByRole('tab', { name: 'Checks' }).click();
      await byId('checks-tab').waitFor();
      expect(await page.getByTestId('check-row').count()).toBe(0);
    });

    await step(h, 'form: a console check and an http check; a wrong status is named at its field as the user types', async () => {
      await byId('checks-add').click();
      await row(0).getByTestId('check-name').fill('boots');
      await row(0).getByTestId('check-console').fill(markers.ready);
      await row(0).getByTestId('check-timeout').fill('4m');
      await byId('checks-add').click();
      await row(1).getByTestId('check-name').fill('web up');
      await row(1).getByTestId('check-kind').selectOption('http');
      await row(1).getByTestId('check-port').fill('http');
      await row(1).getByTestId('check-status').fill('2OO');
      await expect.poll(() => row(1).getByTestId('check-error-status').textContent()).toBe("expected a number");
      expect(await byId('checks-run').isDisabled()).toBe(true);
      await row(1).getByTestId('check-status').fill('200');
      await row(1).getByTestId('check-port').fill('web');
      await expect.poll(() => row(1).getByTestId('check-error-port').textContent()).toContain('the task\'s port_map has no label "web" (it has http)');
      await h.screenshot('checks-tab-editing');
      await row(1).getByTestId('check-port').fill('http');
      await row(1).getByTestId('check-body').fill(markers.httpBody);
      await row(1).getByTestId('check-timeout').fill('2m');
      await expect.poll(() => page.locator('[data-testid^=check-error-]').count()).toBe(0);
    });

    await step(h, 'JSON: the same checks; a syntax error with its line, a schema error with its JSON path; then a screen check and a wrong console regex', async () => {
      await byId('checks-mode-json').click();
      const json = JSON.parse(await byId('checks-json').inputValue());
      expect(json).toEqual([
        { name: 'boots', console: markers.ready, timeout: '4m' },
        { name: 'web up', http: { port: 'http', path: '/', status: 200, body: markers.httpBody }, timeout: '2m' },
      ]);
      await byId('checks-json').fill('[\n  { "name": "boots", "console": }\n]');
      await expect.poll(() => byId('checks-json-error').textContent()).toBe("not valid JSON: Unexpected token '}' (line 2, column 33)");
      const withWrong = [
        ...json,
        { name: 'screen', screen: {} },
        { name: 'banner', console: 'NO-SUCH-BANNER', timeout: '2h' },
        { name: 'uname', agent: { command: ['/bin/uname', '-s'], exit_code: 0, stdout: '^Linux' }, timeout: '2m' },
      ];
      await byId('checks-json').fill(JSON.stringify(withWrong, null, 2));
      await expect.poll(() => byId('checks-issues').textContent()).toContain('checks[3].timeout: expected a duration such as "90s" (more than 0, at most 1h)');
      withWrong[3] = { name: 'banner', console: 'NO-SUCH-BANNER', timeout: '20s' };
      await byId('checks-json').fill(JSON.stringify(withWrong, null, 2));
      await expect.poll(() => page.getByTestId('checks-issues').count()).toBe(0);
      expect(await page.getByTestId('checks-json-error').count()).toBe(0);
      await h.screenshot('checks-tab-json');
    });

    await step(h, 'save: the checks are in the task file', async () => {
      await byId('checks-save').click();
      await expect.poll(() => byId('checks-save').textContent()).toBe('Saved');
      const task = JSON.parse(readFileSync(taskFile, 'utf8'));
      expect(task.checks.map((c: { name: string }) => c.name)).toEqual(['boots', 'web up', 'screen', 'banner', 'uname']);
      expect(task.config.image_path).toBe(join(images, 'web.img'));
    });

    await step(h, 'run: live states, the first failure ends the run, evidence kept, the VM gone', async () => {
      await byId('checks-run').click();
      await byId('live-run').waitFor();
      await expect.poll(liveStates, { timeout: 120_000 }).toContain('boots:running');
      await expect.poll(liveStates, { timeout: 600_000, interval: 500 }).toContain('boots:passed');
      await byId('live-run').scrollIntoViewIfNeeded();
      await h.screenshot('checks-tab-running');
      await expect.poll(() => byId('live-run').getAttribute('data-status'), { timeout: 600_000, interval: 1000 }).toBe('failed');
      expect(await liveStates()).toEqual(['boots:passed', 'web up:passed', 'screen:passed', 'banner:failed', 'uname:skipped']);
      expect(await byId('live-run').textContent()).toMatch(/no console output matched \/NO-SUCH-BANNER\//);
      // Last runs: the newest is this one, opened, with its evidence.
      await expect.poll(() => page.getByTestId('run-item').first().getAttribute('data-status')).toBe('failed');
      await byId('run-detail').waitFor();
      expect(await page.locator('[data-testid=run-check][data-name=banner]').getAttribute('data-status')).toBe('failed');
      expect(await byId('run-console-tail').textContent()).toContain(markers.ready);
      await byId('run-open-console').click();
      await byId('run-fail-mark').waitFor();
      expect(await byId('run-console').textContent()).toContain(markers.ready);
      await expect.poll(() => byId('run-screenshot').locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 30_000 }).toBe(true);
      await page.getByTestId('run-item').first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await h.screenshot('checks-tab-failed-run');
      // The results folder holds what `vmdesk test` writes, and the disposable VM is gone.
      const id = (await page.getByTestId('run-item').first().getAttribute('data-id'))!;
      const dir = join(h.home, 'test-results', 'web', id);
      const report = testReportSchema.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
      expect(report.runs[0]!.checks.map((c) => c.status)).toEqual(['passed', 'passed', 'passed', 'failed', 'skipped']);
      expect(report.taskFile).toBe(taskFile);
      for (const f of ['junit.xml', 'console.log', 'qemu.stderr.log', 'events.jsonl', 'screen.png']) expect(existsSync(join(dir, f)), f).toBe(true);
      expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<failure');
      await expect.poll(qemuOfThisApp, { timeout: 60_000 }).toEqual([]);
      const vms = await h.invoke('listVms');
      expect(vms.ok && vms.value.map((v) => v.name)).toEqual(['web']);
    });

    await step(h, 'fix the regex in the form, run again: passed', async () => {
      await byId('checks-mode-form').click();
      await row(3).getByTestId('check-console').fill(`${markers.tick} \\d+`);
      await expect.poll(() => byId('checks-run').textContent()).toBe('Save and run tests');
      await byId('checks-run').click();
      await expect.poll(() => byId('live-run').getAttribute('data-status'), { timeout: 600_000, interval: 1000 }).toBe('running');
      await expect.poll(() => byId('live-run').getAttribute('data-status'), { timeout: 600_000, interval: 1000 }).toBe('passed');
      expect(await liveStates()).toEqual(['boots:passed', 'web up:passed', 'screen:passed', 'banner:passed', 'uname:passed']);
      expect(JSON.parse(readFileSync(taskFile, 'utf8')).checks[3].console).toBe(`${markers.tick} \\d+`);
      await expect.poll(() => page.getByTestId('run-item').count()).toBe(2);
      expect(await page.getByTestId('run-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['passed', 'failed']);
      await byId('run-detail').waitFor();
      expect(await page.locator('[data-testid=run-detail] [data-testid=run-check]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
      await byId('live-run').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await h.screenshot('checks-tab-passed-run');
      await expect.poll(qemuOfThisApp, { timeout: 60_000 }).toEqual([]);
    });

    await step(h, 'Copy as CLI command: the exact `vmdesk test <task file>`', async () => {
      await page.getByRole('button', { name: 'Copy as CLI command' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Copied' }).count()).toBe(1);
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(commandLine('vmdesk', ['test', taskFile]));
      expect(await byId('checks-cli-command').textContent()).toBe(copied);
    });

    await step(h, 'Stop: the run ends as stopped and its VM is stopped', async () => {
      await byId('checks-run').click();
      await expect.poll(liveStates, { timeout: 120_000 }).toContain('boots:running');
      await byId('checks-stop').click();
      await expect.poll(() => byId('live-run').getAttribute('data-status'), { timeout: 120_000, interval: 500 }).toBe('stopped');
      expect(await liveStates()).toEqual(['boots:failed', 'web up:skipped', 'screen:skipped', 'banner:skipped', 'uname:skipped']);
      await expect.poll(qemuOfThisApp, { timeout: 60_000 }).toEqual([]);
      await expect.poll(() => page.getByTestId('run-item').count()).toBe(3);
      expect(await page.getByTestId('run-item').first().getAttribute('data-status')).toBe('failed');
      expect(h.pageErrors.filter((e) => !e.includes("'frame-ancestors' is ignored"))).toEqual([]);
    });
  });
});
