// The previous runs the Checks tab lists: real results folders in a temp home (report.json files written the way
// `vmdesk test` writes them), newest first, a broken or foreign folder left out, old folders pruned, and a fresh
// folder name when two runs start in the same second.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReport, defaultResultsDir } from '../../src/main/checks/report';
import { foldersToPrune, freshResultsDir, isResultsFolderName, listTestRuns, newestFirst, pruneTestRuns, testResultsRoot } from '../../src/main/checks/run-history';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'vmdesk-home-runs-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function writeRun(id: string, startedAt: string, status: 'passed' | 'failed'): void {
  const dir = join(testResultsRoot(home, 'web'), id);
  mkdirSync(dir, { recursive: true });
  const report = buildReport(
    { task: 'web', taskFile: '/t/web.json', startedAt, durationMs: 10, repeat: 1, resultsDir: dir },
    [{ name: 'boots', console: 'READY' }],
    [{ run: 1, vm: 'web-test-1', status, startedAt, durationMs: 10, checks: [{ name: 'boots', kind: 'console', status, durationMs: 10, message: '', evidence: {} }], dir }],
  );
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
}

describe('the last runs of a task', () => {
  it('lists valid reports newest first; a broken report.json or a folder of another shape is left out', async () => {
    writeRun('20261204T010000Z', '2026-12-04T01:00:00.000Z', 'passed');
    writeRun('20261204T030000Z', '2026-12-04T03:00:00.000Z', 'failed');
    writeRun('20261204T020000Z', '2026-12-04T02:00:00.000Z', 'passed');
    mkdirSync(join(testResultsRoot(home, 'web'), '20261204T040000Z'));
    writeFileSync(join(testResultsRoot(home, 'web'), '20261204T040000Z', 'report.json'), '{ "version": 1, "tru');
    mkdirSync(join(testResultsRoot(home, 'web'), 'my-results'));
    const runs = await listTestRuns(home, 'web');
    expect(runs.map((r) => [r.id, r.report.status])).toEqual([
      ['20261204T030000Z', 'failed'],
      ['20261204T020000Z', 'passed'],
      ['20261204T010000Z', 'passed'],
    ]);
    expect(await listTestRuns(home, 'other')).toEqual([]);
    expect(await listTestRuns(home, 'web', 2)).toHaveLength(2);
  });

  it('orders by start time, then by folder name (two runs in one second)', () => {
    const e = (id: string, startedAt: string) => ({ id, report: { startedAt } }) as never;
    expect(newestFirst([e('a', '2026-01-01T00:00:00Z'), e('20261204T010000Z-2', '2026-12-04T01:00:00Z'), e('20261204T010000Z', '2026-12-04T01:00:00Z')]).map((x: { id: string }) => x.id)).toEqual([
      '20261204T010000Z-2',
      '20261204T010000Z',
      'a',
    ]);
  });

  it('prunes the oldest default folders beyond the kept number, never other folders', async () => {
    for (let h = 10; h < 15; h++) writeRun(`20261204T${h}0000Z`, `2026-12-04T${h}:00:00.000Z`, 'passed');
    mkdirSync(join(testResultsRoot(home, 'web'), 'keep-me'));
    await pruneTestRuns(home, 'web', 3);
    expect(readdirSync(testResultsRoot(home, 'web')).sort()).toEqual(['20261204T120000Z', '20261204T130000Z', '20261204T140000Z', 'keep-me']);
    expect(foldersToPrune(['x', '20261204T010000Z'], 0)).toEqual(['20261204T010000Z']);
  });

  it('gives a run a folder of its own, where the CLI would put it', () => {
    const now = new Date('2026-12-04T00:58:12.345Z');
    expect(freshResultsDir(home, 'web', now, [])).toBe(defaultResultsDir(home, 'web', now));
    expect(freshResultsDir(home, 'web', now, ['20261204T005812Z'])).toBe(`${defaultResultsDir(home, 'web', now)}-2`);
    expect(freshResultsDir(home, 'web', now, ['20261204T005812Z', '20261204T005812Z-2'])).toBe(`${defaultResultsDir(home, 'web', now)}-3`);
    expect(isResultsFolderName('20261204T005812Z-3')).toBe(true);
    expect(isResultsFolderName('../20261204T005812Z')).toBe(false);
  });
});
