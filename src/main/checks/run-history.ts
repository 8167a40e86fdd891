// The previous test runs of a task: the results folders under $VMDESK_HOME/test-results/<task>/ (where `vmdesk
// test` and the app's Checks tab write by default), each read from its report.json, newest first; the app keeps a
// few and removes the older folders it finds there.
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TestRunEntry } from '../../shared/checks-live';
import { testReportSchema } from '../../shared/test-report';
import { readLimitedFile } from '../store/read-limited';
import { defaultResultsDir } from './report';

/** Runs shown in the app's "Last runs" (and kept by pruneTestRuns). */
export const TEST_RUNS_KEPT = 10;
/** Largest report.json read (100 checks × evidence fits well below). */
const REPORT_MAX_BYTES = 8 * 1024 * 1024;

/** $VMDESK_HOME/test-results/<task>: the folder holding the task's default results folders. Pure. */
export function testResultsRoot(home: string, task: string): string {
  return dirname(defaultResultsDir(home, task, new Date(0)));
}

/** A results folder name the default location uses (20261204T005812Z, maybe with a -2 suffix). Pure. */
export function isResultsFolderName(name: string): boolean {
  return /^\d{8}T\d{6}Z(-\d+)?$/.test(name);
}

/** Entries newest first (by the report's start time, then the folder name), at most `keep`. Pure. */
export function newestFirst(entries: TestRunEntry[], keep = TEST_RUNS_KEPT): TestRunEntry[] {
  return [...entries]
    .sort((a, b) => (a.report.startedAt === b.report.startedAt ? b.id.localeCompare(a.id) : b.report.startedAt.localeCompare(a.report.startedAt)))
    .slice(0, keep);
}

/** The folder names to remove so that only the newest `keep` remain (folder names sort by time). Pure. */
export function foldersToPrune(names: string[], keep = TEST_RUNS_KEPT): string[] {
  return names.filter(isResultsFolderName).sort().reverse().slice(keep);
}

/** The task's previous runs with a readable, valid report.json, newest first (a broken one is left out). */
export async function listTestRuns(home: string, task: string, keep = TEST_RUNS_KEPT): Promise<TestRunEntry[]> {
  const root = testResultsRoot(home, task);
  const names = (await readdir(root).catch(() => [] as string[])).filter(isResultsFolderName);
  const entries: TestRunEntry[] = [];
  for (const id of names) {
    const r = await readLimitedFile(join(root, id, 'report.json'), REPORT_MAX_BYTES);
    if (!r.ok) continue;
    try {
      const parsed = testReportSchema.safeParse(JSON.parse(r.text));
      if (parsed.success) entries.push({ id, report: parsed.data });
    } catch {
      // not JSON: a run killed while writing; `vmdesk test` cleans such runs up (orphans.ts)
    }
  }
  return newestFirst(entries, keep);
}

/** Removes the task's oldest default results folders beyond `keep`. */
export async function pruneTestRuns(home: string, task: string, keep = TEST_RUNS_KEPT): Promise<void> {
  const root = testResultsRoot(home, task);
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of foldersToPrune(names, keep)) await rm(join(root, name), { recursive: true, force: true });
}

/** A results folder for a run starting `now` that does not exist yet among `existing` (two runs in one second). Pure. */
export function freshResultsDir(home: string, task: string, now: Date, existing: string[]): string {
  const base = defaultResultsDir(home, task, now);
  const taken = new Set(existing);
  const name = base.slice(testResultsRoot(home, task).length + 1);
  if (!taken.has(name)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${name}-${i}`)) return `${base}-${i}`;
}
