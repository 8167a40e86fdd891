// `vmdesk test` against wrong expectations, with the real test guest under TCG (issue #16): a port nothing
// listens on, an http check with the wrong status and one with a body regex that does not match, an agent check
// with the wrong exit code and one whose stdout does not match. Each exits 1 with the failure's message and
// evidence in report.json and junit.xml, and leaves no VM. The runner stops at a run's first failure, so each
// case is its own short run: a passing check brings the guest (or its agent) up, then the failing one.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { killTracked, trackDir } from '../helpers/cleanup';
import { vmdesk } from '../helpers/cli';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { guestDisk, guestMarkers } from '../helpers/guest';
import type { TempHome } from '../helpers/temp-home';
import { expectNoVms, readJunitCases, readReport, writeSpec, type JunitCase } from '../helpers/test-cli';
import type { CheckResult, TestReport } from '../../src/shared/test-report';

vi.setConfig({ testTimeout: 480_000, hookTimeout: 240_000 });

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

/** What a failing run left: the report, the failed check's result and junit testcase, stderr. */
interface Failed {
  report: TestReport;
  failed: CheckResult;
  junit: JunitCase;
  stderr: string;
}

/** Runs `vmdesk test` on a guest task with these checks, expecting exactly the last one to fail (exit 1). */
async function failingRun(name: string, checks: Array<{ name: string; [key: string]: unknown }>, config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<Failed> {
  const task = writeGuestTask(t, name, guestDisk, { kill_timeout: '5s', ...extra }, config);
  const results = join(t.home, `results-${name}`);
  const r = await vmdesk(['test', task, '--spec', writeSpec(t, name, checks), '--results', results], t.env, 420_000);
  expect(r.code, r.stderr).toBe(1);
  const report = readReport(results);
  expect(report.status).toBe('failed');
  const run = report.runs[0]!;
  expect(run.checks.map((c) => c.status)).toEqual([...checks.slice(0, -1).map(() => 'passed'), 'failed']);
  expect(run.consoleTail!.join('\n')).toContain(markers.ready);
  const failed = run.checks.at(-1)!;
  const cases = readJunitCases(results);
  expect(cases.map((c) => c.name)).toEqual(checks.map((c) => c.name));
  const junit = cases.at(-1)!;
  expect(junit.failure?.message).toBe(failed.message);
  expect(junit.failure?.type).toBe(failed.kind);
  expect(junit['system-out']).toContain(markers.ready);
  expect(r.stderr).toContain(`✗ ${failed.name}: ${failed.message}`);
  await expectNoVms(t);
  return { report, failed, junit, stderr: r.stderr };
}

const boots = () => ({ name: 'boots', console: markers.ready, timeout: '4m' });
const webPort = { name: 'web port', port: 'http', timeout: '2m' };
const agentUp = { name: 'agent up', agent: { command: ['/bin/true'] }, timeout: '3m' };

describe('vmdesk test: each kind fails against a wrong expectation', () => {
  it('port: a label whose guest port nothing listens on', async () => {
    const { failed } = await failingRun('port', [boots(), { name: 'closed port', port: 'closed', timeout: '15s' }], {
      port_map: { http: 80, closed: 81 },
    }, { ports: { http: 0, closed: 0 } });
    expect(failed.message).toMatch(/^127\.0\.0\.1:\d+ \(closed\) did not accept a connection within the timeout: /);
    expect(failed.evidence.port).toEqual(expect.any(Number));
    expect(failed.evidence.attempts).toBeGreaterThanOrEqual(1);
  });

  it('http: the wrong status', async () => {
    const { failed } = await failingRun('status', [boots(), webPort, { name: 'wants 404', http: { port: 'http', path: '/', status: 404 }, timeout: '20s' }]);
    expect(failed.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/: status 200, expected 404 \(within the timeout, \d+ attempts\)$/);
    expect(failed.evidence).toMatchObject({ status: 200 });
    expect(failed.evidence.body).toContain(markers.httpBody);
  });

  it('http: a body regex that does not match', async () => {
    const { failed } = await failingRun('body', [boots(), webPort, { name: 'wrong body', http: { port: 'http', path: '/', body: 'GOODBYE' }, timeout: '20s' }]);
    expect(failed.message).toMatch(/: the body does not match \/GOODBYE\/ \(within the timeout, \d+ attempts\)$/);
    expect(failed.evidence).toMatchObject({ status: 200 });
    expect(failed.evidence.body).toContain(markers.httpBody);
  });

  it('agent: the wrong exit code', async () => {
    const { failed } = await failingRun('exit', [boots(), agentUp, { name: 'exits 3', agent: { command: ['/bin/sh', '-c', 'echo oops >&2; exit 3'] }, timeout: '30s' }]);
    expect(failed.message).toBe('/bin/sh -c echo oops >&2; exit 3: exit code 3, expected 0 (stderr: oops)');
    expect(failed.evidence).toMatchObject({ exitCode: 3, stderr: 'oops\n' });
  });

  it('agent: stdout that does not match', async () => {
    const { failed } = await failingRun('stdout', [boots(), agentUp, { name: 'not windows', agent: { command: ['/bin/uname', '-s'], stdout: '^Windows' }, timeout: '30s' }]);
    expect(failed.message).toBe('/bin/uname -s: stdout does not match /^Windows/ (stdout: "Linux")');
    expect(failed.evidence).toMatchObject({ exitCode: 0, stdout: 'Linux\n' });
  });
});
