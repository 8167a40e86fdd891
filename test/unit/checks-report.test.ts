// vmdesk test's pure parts: repeat statistics, report.json (validated by its schema), junit.xml (parsed by a
// real XML parser), progress lines, the sequencer's stop-at-first-failure and the test VM's name.
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { CheckSpec } from '../../src/shared/checks';
import { testReportSchema, type CheckResult, type TestRun } from '../../src/shared/test-report';
import { junitXml } from '../../src/main/checks/junit';
import { buildReport, defaultResultsDir, progressLine } from '../../src/main/checks/report';
import { runChecks, CHECK_RUNNERS } from '../../src/main/checks/sequence';
import { percentile, summarizeRuns } from '../../src/main/checks/summary';
import { testVmName } from '../../src/main/checks/test-run';
import { httpMismatch } from '../../src/main/checks/http-check';
import { ConsoleWatch } from '../../src/main/checks/console-watch';
import type { CheckContext, CheckRunner } from '../../src/main/checks/context';

const checks: CheckSpec[] = [
  { name: 'boots', console: 'login:' },
  { name: 'web <up> & "ok"', http: { port: 'http', path: '/' } },
  { name: 'stops', shutdown: true },
];

const result = (name: string, kind: CheckResult['kind'], status: CheckResult['status'], durationMs: number, message = ''): CheckResult => ({
  name, kind, status, durationMs, message: message || status, evidence: {},
});

function run(n: number, web: 'passed' | 'failed', times: [number, number, number]): TestRun {
  const failed = web === 'failed';
  return {
    run: n,
    vm: `web-test-00000${n}`,
    status: failed ? 'failed' : 'passed',
    startedAt: '2026-12-04T00:00:00.000Z',
    durationMs: times[0] + times[1] + times[2],
    checks: [
      result('boots', 'console', 'passed', times[0]),
      result('web <up> & "ok"', 'http', web, times[1], failed ? 'GET http://127.0.0.1:1/: status 500, expected 200' : ''),
      result('stops', 'shutdown', failed ? 'skipped' : 'passed', failed ? 0 : times[2]),
    ],
    dir: `/r/run-${n}`,
    ...(failed ? { consoleTail: ['login: <b>'], stoppedBy: 'powerdown' } : {}),
  };
}

const runs = [run(1, 'passed', [10_000, 100, 900]), run(2, 'failed', [12_000, 5_000, 0]), run(3, 'passed', [11_000, 300, 800])];
const head = { task: 'web', taskFile: '/t/web.json', startedAt: '2026-12-04T00:00:00.000Z', durationMs: 40_000, repeat: 3, resultsDir: '/r' };

describe('repeat statistics', () => {
  it('nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
  });

  it('a check failing once in three runs has pass rate 2/3; skipped runs count, but not in the times', () => {
    const s = summarizeRuns(checks, runs);
    expect(s.map((x) => [x.name, x.passRate, x.failed, x.skipped])).toEqual([
      ['boots', '3/3', 0, 0],
      ['web <up> & "ok"', '2/3', 1, 0],
      ['stops', '2/3', 0, 1],
    ]);
    expect(s[0]).toMatchObject({ p50Ms: 11_000, p90Ms: 12_000 });
    expect(s[2]).toMatchObject({ p50Ms: 800, p90Ms: 900 });
  });
});

describe('report.json and junit.xml', () => {
  const report = buildReport(head, checks, runs);

  it('the report validates and fails when a run failed', () => {
    expect(testReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(report.status).toBe('failed');
    expect(buildReport({ ...head, repeat: 1 }, checks, [runs[0]!]).status).toBe('passed');
  });

  it('junit.xml parses: one testsuite, one testcase per check per run, failure and skipped marked', () => {
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junitXml(report));
    const suite = xml.testsuites.testsuite;
    expect(Array.isArray(suite)).toBe(false);
    expect(suite).toMatchObject({ tests: '9', failures: '1', skipped: '1' });
    const cases = suite.testcase as Array<Record<string, unknown>>;
    expect(cases).toHaveLength(9);
    expect(cases[1]).toMatchObject({ name: 'web <up> & "ok" (run 1)', time: '0.100' });
    const failed = cases.find((c) => c.failure) as { failure: { message: string }; 'system-out': string };
    expect(failed.failure.message).toBe('GET http://127.0.0.1:1/: status 500, expected 200');
    expect(failed['system-out']).toBe('login: <b>');
    expect(cases.filter((c) => 'skipped' in c)).toHaveLength(1);
  });

  it('a single run names test cases by the check name alone', () => {
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junitXml(buildReport({ ...head, repeat: 1 }, checks, [runs[0]!])));
    expect((xml.testsuites.testsuite.testcase as Array<{ name: string }>).map((c) => c.name)).toEqual(['boots', 'web <up> & "ok"', 'stops']);
  });
});

describe('small decisions', () => {
  it('progress lines', () => {
    expect(progressLine(result('boots', 'console', 'passed', 12_345))).toBe('✓ boots 12.3s\n');
    expect(progressLine(result('web up', 'http', 'failed', 2000, 'status 500'))).toBe('✗ web up: status 500 (2.0s)\n');
    expect(progressLine(result('stops', 'shutdown', 'skipped', 0), '[run 2/3] ')).toBe('[run 2/3] - stops skipped\n');
  });

  it('test VM names are unique per suffix and fit 63 characters', () => {
    expect(testVmName('web', 'a1b2c3')).toBe('web-test-a1b2c3');
    const long = testVmName('x'.repeat(63), 'a1b2c3');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long.endsWith('-test-a1b2c3')).toBe(true);
  });

  it('results go under $VMDESK_HOME/test-results/<task>/<UTC time>', () => {
    expect(defaultResultsDir('/h', 'web', new Date('2026-12-04T01:02:03.456Z'))).toBe('/h/test-results/web/20261204T010203Z');
  });

  it('http answers are judged by status, body and headers', () => {
    const a = { status: 200, headers: { 'content-type': 'text/html' }, body: 'hello world' };
    expect(httpMismatch({ port: 'h', path: '/' }, a)).toBeUndefined();
    expect(httpMismatch({ port: 'h', path: '/', status: 204 }, a)).toBe('status 200, expected 204');
    expect(httpMismatch({ port: 'h', path: '/', body: 'bye' }, a)).toBe('the body does not match /bye/');
    expect(httpMismatch({ port: 'h', path: '/', headers: { 'Content-Type': '^text/' } }, a)).toBeUndefined();
    expect(httpMismatch({ port: 'h', path: '/', headers: { server: 'x' } }, a)).toBe('no server header');
  });

  it('the console watch finds patterns across chunks, from a position, and keeps the last lines', async () => {
    const w = new ConsoleWatch();
    const buf = Buffer.from('boot\nlog');
    w.push(buf);
    buf.fill(0); // the follower reuses its buffer: the watch must have copied
    const waiting = w.waitFor(/login: ok/, 0, Date.now() + 60_000, new AbortController().signal);
    w.push(Buffer.from('in: ok\nnext\n'));
    expect(await waiting).toEqual({ index: 5, text: 'login: ok' });
    expect(w.find(/login/, 6)).toBeUndefined();
    expect(w.lastLines(2)).toEqual(['login: ok', 'next']);
    expect(await w.waitFor(/never/, 0, Date.now() + 50, new AbortController().signal)).toBeUndefined();
  });
});

describe('the sequencer', () => {
  const fake = (passed: Record<string, boolean>): typeof CHECK_RUNNERS => {
    const r: CheckRunner = async (spec) => {
      if (spec.name === 'throws') throw new Error('agent socket gone');
      return { passed: passed[spec.name] ?? true, message: 'm', evidence: {} };
    };
    return Object.fromEntries(Object.keys(CHECK_RUNNERS).map((k) => [k, r])) as typeof CHECK_RUNNERS;
  };
  const ctx = { signal: new AbortController().signal } as CheckContext;

  it('stops at the first failure and skips the rest', async () => {
    const seen: string[] = [];
    const r = await runChecks(checks, ctx, (x) => seen.push(x.status), fake({ 'web <up> & "ok"': false }));
    expect(r.map((x) => x.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(seen).toEqual(['passed', 'failed', 'skipped']);
    expect(r[2]!.message).toBe('skipped: "web <up> & "ok"" failed');
  });

  it('a runner that throws fails its check with the error', async () => {
    const r = await runChecks([{ name: 'throws', agent: { command: ['x'] } }, checks[0]!], ctx, undefined, fake({}));
    expect(r.map((x) => [x.status, x.message])).toEqual([['failed', 'agent socket gone'], ['skipped', 'skipped: "throws" failed']]);
  });

  it('an ssh check without an ssh runner fails and says why', async () => {
    const r = await runChecks([{ name: 'ssh', ssh: { command: ['true'] } }], ctx);
    expect(r[0]).toMatchObject({ status: 'failed', kind: 'ssh' });
    expect(r[0]!.message).toMatch(/^ssh checks need a cloud_init task; /);
  });
});

describe('screen settled', () => {
  it('counts changed pixels; a blinking cursor is below the threshold, a new line of text is not', async () => {
    const { changedShare, SETTLED_MAX_CHANGED } = await import('../../src/main/checks/screen-diff');
    const img = (w: number, h: number, paint: (i: number) => number) => ({ width: w, height: h, data: Uint8Array.from({ length: w * h * 4 }, (_, i) => paint(Math.floor(i / 4))) });
    const base = img(720, 400, () => 0);
    expect(changedShare(base, img(720, 400, () => 0))).toBe(0);
    expect(changedShare(base, img(720, 400, (p) => (p < 18 ? 255 : 0)))).toBeLessThanOrEqual(SETTLED_MAX_CHANGED);
    expect(changedShare(base, img(720, 400, (p) => (p < 720 * 16 ? 255 : 0)))).toBeGreaterThan(SETTLED_MAX_CHANGED);
    expect(changedShare(base, img(640, 480, () => 0))).toBe(1);
  });
});

describe('records of running tests (kill -9 clean-up)', () => {
  it('a record whose process is gone is an orphan; a live one is not; a broken one is dropped', async () => {
    const { mkdtempSync, writeFileSync, existsSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { clearTestVm, orphanedTestVms, recordTestVm, testRunsDir } = await import('../../src/main/checks/orphans');
    const home = mkdtempSync(join(tmpdir(), 'vmdesk-orphans-'));
    try {
      expect(orphanedTestVms(home)).toEqual([]); // no directory yet: nothing, and nothing created
      expect(existsSync(testRunsDir(home))).toBe(false);
      recordTestVm(home, 'web-test-aaaaaa', '/r/a');
      recordTestVm(home, 'web-test-bbbbbb', '/r/b');
      writeFileSync(join(testRunsDir(home), 'broken.json'), '{');
      expect(orphanedTestVms(home).map((r) => r.vm)).toEqual([]); // this process is alive
      const dead = orphanedTestVms(home, () => false).map((r) => r.vm).sort();
      expect(dead).toEqual(['web-test-aaaaaa', 'web-test-bbbbbb']);
      expect(existsSync(join(testRunsDir(home), 'broken.json'))).toBe(false);
      clearTestVm(home, 'web-test-aaaaaa');
      expect(orphanedTestVms(home, () => false).map((r) => r.vm)).toEqual(['web-test-bbbbbb']);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
