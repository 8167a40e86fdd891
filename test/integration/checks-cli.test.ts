// `vmdesk test` with the real test guest under TCG (issue #16): a passing spec (console, port, http, agent,
// shutdown) with report.json validated and junit.xml parsed; a wrong console regex failing with the console's
// last lines and the VM gone; a terminal's spinner line; SIGINT stopping the VM; a kill -9 cleaned up by the next command; bad input
// exiting 2 without starting anything.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { killTracked, pidsMentioning, trackDir } from '../helpers/cleanup';
import { json, vmdesk } from '../helpers/cli';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { guestDisk, guestMarkers } from '../helpers/guest';
import type { TempHome } from '../helpers/temp-home';
import { expectNoVms, writeSpec } from '../helpers/test-cli';
import { waitFor } from '../helpers/wait-for';
import { testReportSchema, type TestReport } from '../../src/shared/test-report';

vi.setConfig({ testTimeout: 480_000, hookTimeout: 240_000 });

const bin = fileURLToPath(new URL('../../bin/vmdesk.js', import.meta.url));
let t: TempHome;
let markers: ReturnType<typeof guestMarkers>;

beforeAll(() => {
  markers = guestMarkers();
  t = makeCliHome();
  trackDir(t.runtimeDir);
});
afterEach(() => {
  // A test that failed half-way must not leave its QEMU behind for the next one.
  trackDir(t.runtimeDir);
  killTracked();
});
afterAll(() => {
  killTracked();
  t?.remove();
});

describe('vmdesk test', () => {
  it('passes a console + port + http + agent + shutdown spec: exit 0, report.json validates, junit.xml has one testcase per check', async () => {
    const task = writeGuestTask(t, 'ok', guestDisk);
    const checks = [
      { name: 'boots', console: markers.ready, timeout: '4m' },
      { name: 'port open', port: 'http', timeout: '2m' },
      { name: 'web up', http: { port: 'http', path: '/', status: 200, body: markers.httpBody }, timeout: '2m' },
      { name: 'agent runs', agent: { command: ['/bin/uname', '-s'], exit_code: 0, stdout: '^Linux' }, timeout: '3m' },
      { name: 'powers off', shutdown: true },
    ];
    const results = join(t.home, 'results-ok');
    const junitFile = join(t.home, 'ok-junit.xml');
    const r = await vmdesk(['test', task, '--spec', writeSpec(t, 'ok', checks), '--results', results, '--junit', junitFile], t.env, 420_000);
    expect(r.stderr).toMatch(/✓ boots \d+\.\d+s/);
    expect(r.code, r.stderr).toBe(0);

    const report: TestReport = testReportSchema.parse(JSON.parse(readFileSync(join(results, 'report.json'), 'utf8')));
    expect(report.status).toBe('passed');
    expect(report.runs[0]!.checks.map((c) => [c.name, c.kind, c.status])).toEqual([
      ['boots', 'console', 'passed'],
      ['port open', 'port', 'passed'],
      ['web up', 'http', 'passed'],
      ['agent runs', 'agent', 'passed'],
      ['powers off', 'shutdown', 'passed'],
    ]);
    expect(report.runs[0]!.checks[3]!.evidence).toMatchObject({ exitCode: 0, stdout: 'Linux\n' });
    expect(report.runs[0]!.stoppedBy).toBe('powerdown');
    expect(report.summary.map((s) => s.passRate)).toEqual(['1/1', '1/1', '1/1', '1/1', '1/1']);

    const xmlText = readFileSync(join(results, 'junit.xml'), 'utf8');
    expect(readFileSync(junitFile, 'utf8')).toBe(xmlText);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xmlText);
    const cases = xml.testsuites.testsuite.testcase as Array<{ name: string; time: string; failure?: unknown }>;
    expect(cases.map((c) => c.name)).toEqual(checks.map((c) => c.name));
    expect(cases.every((c) => c.failure === undefined && Number(c.time) >= 0)).toBe(true);

    // The run's console and QEMU's stderr were kept; the test VM itself is gone.
    expect(readFileSync(join(results, 'console.log'), 'utf8')).toContain(markers.ready);
    expect(existsSync(join(results, 'qemu.stderr.log'))).toBe(true);
    expect(readFileSync(join(results, 'events.jsonl'), 'utf8')).toMatch(/powerdown|shutdown/i);
    await expectNoVms(t);
  });

  it('fails on a console regex that never matches: exit 1, the rest skipped, the last console lines reported, the VM gone', async () => {
    const task = writeGuestTask(t, 'bad', guestDisk, { kill_timeout: '5s' });
    const checks = [
      { name: 'wrong banner', console: 'THIS-NEVER-APPEARS', timeout: '30s' },
      { name: 'agent runs', agent: { command: ['/bin/true'] } },
    ];
    const r = await vmdesk(['test', task, '--spec', writeSpec(t, 'bad', checks), '--json'], t.env, 300_000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/✗ wrong banner: no console output matched \/THIS-NEVER-APPEARS\//);
    const out = json<{ ok: boolean; report: TestReport }>(r);
    expect(out.ok).toBe(false);
    const report = testReportSchema.parse(out.report);
    const run = report.runs[0]!;
    expect(run.checks.map((c) => c.status)).toEqual(['failed', 'skipped']);
    expect(run.consoleTail!.length).toBeGreaterThan(0);
    expect(run.consoleTail!.length).toBeLessThanOrEqual(50);
    expect(run.consoleTail!.join('\n')).toMatch(/VMDESK|Linux|SeaBIOS|Booting/);
    // The results went to the default place, under $VMDESK_HOME/test-results/<task>/.
    expect(report.resultsDir.startsWith(join(t.home, 'test-results', 'bad'))).toBe(true);
    expect(existsSync(join(report.resultsDir, 'junit.xml'))).toBe(true);
    // The guest has QEMU's default VGA card (-nographic hides it, does not remove it): its screen at the failure.
    expect(run.failureScreenshot).toBe(join(report.resultsDir, 'failure.png'));
    expect(readFileSync(run.failureScreenshot!).subarray(1, 4).toString()).toBe('PNG');
    await expectNoVms(t);
  });

  it('on a terminal (a real pty through script(1)) the running check spins with its time, then its ✓ line', async () => {
    const task = writeGuestTask(t, 'tty', guestDisk, { kill_timeout: '5s' });
    const checks = [{ name: 'boots', console: markers.ready, timeout: '240s' }];
    const cmd = [process.execPath, bin, 'test', task, '--spec', writeSpec(t, 'tty', checks)].map((w) => `'${w}'`).join(' ');
    const child = spawn('script', ['-qefc', cmd, '/dev/null'], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code, out).toBe(0);
    expect(out).toMatch(/\r\x1b\[2K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] boots \d+\.\ds/);
    expect(out).toMatch(/\r\x1b\[2K✓ boots \d+\.\ds/);
    expect(out).toMatch(/vmdesk test: PASSED 1\/1 checks/);
    await expectNoVms(t);
  });

  it('stops the VM when interrupted (SIGINT) and exits 1', async () => {
    const task = writeGuestTask(t, 'intr', guestDisk, { kill_timeout: '3s' });
    const p = spawn(process.execPath, [bin, 'test', task, '--spec', writeSpec(t, 'intr', [{ name: 'waits', console: 'NEVER-PRINTED', timeout: '10m' }])], {
      env: t.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let code: number | null | undefined;
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (c) => (code = c));
    try {
      await waitFor('the test VM to run', async () => {
        const vms = json<{ vms: Array<{ state: string }> }>(await vmdesk(['ls', '--json'], t.env)).vms;
        return vms.some((v) => v.state === 'running');
      }, 240_000, 500);
      p.kill('SIGINT');
      await waitFor('vmdesk test to exit', () => code !== undefined, 180_000, 200);
      expect(code, err).toBe(1);
      expect(err).toMatch(/✗ waits: interrupted/);
      await expectNoVms(t);
    } finally {
      p.kill('SIGKILL');
    }
  });

  it('after a kill -9 of vmdesk test, the next vmdesk command stops its VM and marks the results interrupted', async () => {
    const task = writeGuestTask(t, 'killed', guestDisk, { kill_timeout: '3s' });
    const results = join(t.home, 'results-killed');
    const p = spawn(process.execPath, [bin, 'test', task, '--results', results, '--spec', writeSpec(t, 'killed', [{ name: 'waits', console: 'NEVER-PRINTED', timeout: '10m' }])], {
      env: t.env,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    try {
      await waitFor('the test VM to run', async () => {
        const vms = json<{ vms: Array<{ state: string }> }>(await vmdesk(['ls', '--json'], t.env)).vms;
        return vms.some((v) => v.state === 'running');
      }, 240_000, 500);
      p.kill('SIGKILL');
      await waitFor('vmdesk test to be gone', () => p.exitCode !== null || p.signalCode !== null, 30_000, 100);
      expect(pidsMentioning(t.runtimeDir).length).toBeGreaterThan(0); // its QEMU outlived it...
      const ls = await vmdesk(['ls', '--json'], t.env); // ...until the next command
      expect(ls.stderr).toMatch(/stopped and removed killed-test-[0-9a-f]{6}, left running by an interrupted vmdesk test/);
      expect(json<{ vms: unknown[] }>(ls).vms).toEqual([]);
      expect(readFileSync(join(results, 'INTERRUPTED'), 'utf8')).toMatch(/ended without finishing this run/);
      expect(existsSync(join(results, 'console.log'))).toBe(true);
      await expectNoVms(t);
    } finally {
      p.kill('SIGKILL');
    }
  });

  it('refuses bad input with exit 2 and starts nothing', async () => {
    const task = writeGuestTask(t, 'input', guestDisk);
    const badSpec = writeSpec(t, 'input', [{ name: 'boots', console: 'x' }, { name: 'web', http: { port: 'http', path: '/', status: '200' } }]);
    const r = await vmdesk(['test', task, '--spec', badSpec], t.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('checks[1].http.status: expected a number');

    const noChecks = await vmdesk(['test', task], t.env);
    expect(noChecks.code).toBe(2);
    expect(noChecks.stderr).toMatch(/has no checks; add "checks" to its task file or give --spec FILE/);

    const label = await vmdesk(['test', task, '--spec', writeSpec(t, 'label', [{ name: 'ssh up', port: 'ssh' }])], t.env);
    expect(label.code).toBe(2);
    expect(label.stderr).toMatch(/checks\[0\]\.port: the task's port_map has no label "ssh"/);

    const unknown = await vmdesk(['test', 'no-such-task', '--spec', badSpec], t.env);
    expect(unknown.code).toBe(2);

    expect(existsSync(join(t.home, 'test-results', 'input'))).toBe(false);
    await expectNoVms(t);
  });
});
