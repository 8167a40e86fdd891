// `vmdesk test --repeat 3` with the real test guest under TCG (issue #16): a check that fails in exactly one
// of three runs shows a pass rate of 2/3. Made deterministic with real parts and no sleeping: the task has a
// second, raw read-only data drive whose first bytes an agent check reads (`head -c 4 /dev/vda`, expecting
// PASS). Each run boots a new QEMU; the test rewrites the drive's host file in place to FAIL when run-2's
// results directory appears (before that run's VM starts) and back to PASS when run-3's appears.
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { killTracked, trackDir } from '../helpers/cleanup';
import { vmdesk } from '../helpers/cli';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { guestDisk, guestMarkers } from '../helpers/guest';
import { createImage } from '../helpers/image-files';
import type { TempHome } from '../helpers/temp-home';
import { expectNoVms, readJunitCases, readReport, writeSpec } from '../helpers/test-cli';
import { waitFor } from '../helpers/wait-for';

vi.setConfig({ testTimeout: 900_000, hookTimeout: 240_000 });

let t: TempHome;

beforeAll(() => {
  t = makeCliHome();
  trackDir(t.runtimeDir);
});
afterAll(() => {
  trackDir(t.runtimeDir);
  killTracked();
  t?.remove();
});

/** Writes `word` over the first bytes of `file` (same inode, same size: QEMU may already have it open). */
function stamp(file: string, word: string): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, word, 0);
  } finally {
    closeSync(fd);
  }
}

describe('vmdesk test --repeat', () => {
  it('reports three runs; the check that failed once in three has a pass rate of 2/3, the others 3/3; exit 1', async () => {
    const markers = guestMarkers();
    const flag = createImage(join(t.home, 'flag.raw'), 'raw', '1M');
    stamp(flag, 'PASS');
    const task = writeGuestTask(t, 'flaky', guestDisk, { kill_timeout: '10s' }, { drives: [{ path: 'flag.raw', interface: 'virtio', read_only: true }] });
    const checks = [
      { name: 'boots', console: markers.ready, timeout: '4m' },
      { name: 'agent up', agent: { command: ['/bin/true'] }, timeout: '3m' },
      { name: 'web up', http: { port: 'http', path: '/', body: markers.httpBody }, timeout: '2m' },
      { name: 'flag says PASS', agent: { command: ['/bin/sh', '-c', 'head -c 4 /dev/vda'], stdout: '^PASS$' }, timeout: '20s' },
    ];
    const results = join(t.home, 'results-flaky');
    const test = vmdesk(['test', task, '--spec', writeSpec(t, 'flaky', checks), '--repeat', '3', '--results', results], t.env, 840_000);

    await waitFor('run-2 to begin', () => existsSync(join(results, 'run-2')), 600_000, 20);
    stamp(flag, 'FAIL');
    await waitFor('run-3 to begin', () => existsSync(join(results, 'run-3')), 600_000, 20);
    stamp(flag, 'PASS');
    const r = await test;
    expect(r.code, r.stderr).toBe(1);

    const report = readReport(results);
    expect(report.repeat).toBe(3);
    expect(report.status).toBe('failed');
    expect(report.runs.map((run) => [run.run, run.status])).toEqual([
      [1, 'passed'],
      [2, 'failed'],
      [3, 'passed'],
    ]);
    expect(report.runs[1]!.checks.at(-1)!.message).toBe('/bin/sh -c head -c 4 /dev/vda: stdout does not match /^PASS$/ (stdout: "FAIL")');
    expect(report.summary.map((s) => [s.name, s.passRate, s.failed, s.skipped])).toEqual([
      ['boots', '3/3', 0, 0],
      ['agent up', '3/3', 0, 0],
      ['web up', '3/3', 0, 0],
      ['flag says PASS', '2/3', 1, 0],
    ]);
    for (const s of report.summary) expect(s.p90Ms!).toBeGreaterThanOrEqual(s.p50Ms!);
    expect(r.stderr).toMatch(/ {2}flag says PASS: 2\/3 passed, p50 \d+\.\ds, p90 \d+\.\ds/);

    // One results directory per run, each with its own console; one testcase per check per run.
    for (const n of [1, 2, 3]) {
      expect(report.runs[n - 1]!.dir).toBe(join(results, `run-${n}`));
      expect(readFileSync(join(results, `run-${n}`, 'console.log'), 'utf8')).toContain(markers.ready);
    }
    const cases = readJunitCases(results);
    expect(cases).toHaveLength(12);
    expect(cases.filter((c) => c.failure).map((c) => c.name)).toEqual(['flag says PASS (run 2)']);
    await expectNoVms(t);
  });
});
