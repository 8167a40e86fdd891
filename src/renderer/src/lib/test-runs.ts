// The Checks tab's "Last runs", pure: times, the failing check, where in the run's console.log it failed, and the
// screenshots a run kept (as files of its results folder).
import type { TestRun } from '../../../shared/test-report';
import { stripAnsiLine } from './ansi';

/** Console text as plain lines (SeaBIOS's escape sequences and CR overwrites resolved, as the Logs tab shows them). Pure. */
export function plainConsole(text: string): string {
  return text
    .split('\n')
    .map((l) => stripAnsiLine(l.endsWith('\r') ? l.slice(0, -1) : l))
    .join('\n');
}

/** `12.3s` (or `-`). Pure. */
export function formatSecs(ms: number | undefined): string {
  return ms === undefined ? '-' : `${(ms / 1000).toFixed(1)}s`;
}

/** The first failed check of a run, if any. Pure. */
export function failedCheck(run: TestRun): TestRun['checks'][number] | undefined {
  return run.checks.find((c) => c.status === 'failed');
}

/**
 * The console text split at the moment a check failed: a failed console check says how far the console had come
 * (`consoleChars`); for the others it is the end. `fileOffset` is where `text` starts in console.log. Pure.
 */
export function consoleAtFailure(text: string, fileOffset: number, run: TestRun): { before: string; after: string } {
  const chars = failedCheck(run)?.evidence.consoleChars;
  if (typeof chars !== 'number') return { before: text, after: '' };
  const at = Math.min(text.length, Math.max(0, chars - fileOffset));
  return { before: text.slice(0, at), after: text.slice(at) };
}

/** The screenshots a run kept (its screen checks', then the one at the failure), as paths inside its results folder (`resultsDir` is the report's). Pure. */
export function screenshotFiles(run: TestRun, resultsDir: string): Array<{ check: string; file: string }> {
  const out: Array<{ check: string; file: string }> = [];
  for (const c of run.checks) {
    const p = c.evidence.path;
    if (typeof p !== 'string' || !p.endsWith('.png') || !p.startsWith(`${resultsDir}/`)) continue;
    out.push({ check: c.name, file: p.slice(resultsDir.length + 1) });
  }
  const f = run.failureScreenshot;
  if (f?.startsWith(`${resultsDir}/`)) out.push({ check: 'at the failure', file: f.slice(resultsDir.length + 1) });
  return out;
}

/** `3/5 passed`. Pure. */
export function passedCount(run: TestRun): string {
  return `${run.checks.filter((c) => c.status === 'passed').length}/${run.checks.length} passed`;
}
