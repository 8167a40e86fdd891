// The Checks tab's runs: the run going on (each check's live state and time) and the last runs from their
// report.json, each expandable to its checks with the failure, the last console lines, the console at the failing
// moment and the screenshots kept.
import { useEffect, useRef, useState } from 'react';
import type { LiveCheck, LiveTestRun, TestRunEntry } from '../../../../shared/checks-live';
import type { ErrorData } from '../../../../shared/errors';
import { call } from '../../api';
import { useNow } from '../../components/hooks';
import { formatDateTime } from '../../lib/format';
import { consoleAtFailure, failedCheck, formatSecs, passedCount, plainConsole, screenshotFiles } from '../../lib/test-runs';
import { useChecks } from '../../stores/checks';

const STATE_ICON: Record<LiveCheck['state'], string> = { waiting: '○', running: '◌', passed: '✓', failed: '✗', skipped: '–' };

/** The run going on (or the one that just ended). */
export function LiveRun({ run }: { run: LiveTestRun }) {
  const now = useNow(200);
  const title = run.status === 'running' ? (run.stopping ? 'Stopping the test VM…' : 'Running tests…') : run.status === 'passed' ? 'Passed' : run.status === 'stopped' ? 'Stopped' : 'Failed';
  return (
    <section className={`card live-run live-${run.status}`} data-testid="live-run" data-status={run.status} aria-live="polite">
      <div className="card-head">
        <h2 data-testid="live-status">{title}</h2>
        <span className="muted small">{run.vm ? `on disposable VM ${run.vm}` : 'preparing the VM…'}</span>
      </div>
      <ol className="live-checks">
        {run.checks.map((c) => (
          <li key={c.name} className={`live-check state-${c.state}`} data-testid="live-check" data-name={c.name} data-state={c.state}>
            <span className="live-icon" aria-hidden="true">
              {c.state === 'running' ? <span className="spinner" /> : STATE_ICON[c.state]}
            </span>
            <span className="live-name">{c.name}</span>
            <span className="tag">{c.kind}</span>
            <span className="live-time">{c.state === 'running' && c.startedAt ? formatSecs(now - Date.parse(c.startedAt)) : c.durationMs !== undefined ? formatSecs(c.durationMs) : ''}</span>
            {c.state === 'failed' && c.message && <span className="live-message">{c.message}</span>}
          </li>
        ))}
      </ol>
      {run.error && (
        <div className="inline-error" role="alert" data-testid="live-error">
          {run.error}
        </div>
      )}
    </section>
  );
}

/** The last runs, newest first. */
export function LastRuns({ name, runs }: { name: string; runs: TestRunEntry[] }) {
  const openRun = useChecks((s) => s.openRun);
  const toggle = useChecks((s) => s.toggleRun);
  if (runs.length === 0) return <p className="muted">No runs yet: press Run tests.</p>;
  return (
    <ul className="runs-list" data-testid="runs-list">
      {runs.map((r) => {
        const run = r.report.runs[0];
        const open = openRun === r.id;
        return (
          <li key={r.id} className={`run-item run-${r.report.status}`} data-testid="run-item" data-status={r.report.status} data-id={r.id}>
            <button type="button" className="run-toggle" aria-expanded={open} onClick={() => toggle(r.id)} data-testid="run-toggle">
              <span className={`run-status status-${r.report.status === 'passed' ? 'good' : 'bad'}`}>{r.report.status === 'passed' ? '✓ passed' : '✗ failed'}</span>
              <span>{formatDateTime(r.report.startedAt)}</span>
              <span className="muted">{run ? passedCount(run) : 'no run'}</span>
              <span className="muted">{formatSecs(r.report.durationMs)}</span>
              {run && failedCheck(run) && <span className="run-failed-name">“{failedCheck(run)!.name}” failed</span>}
            </button>
            {open && <RunDetail name={name} entry={r} />}
          </li>
        );
      })}
    </ul>
  );
}

function RunDetail({ name, entry }: { name: string; entry: TestRunEntry }) {
  const [consoleView, setConsoleView] = useState<{ before: string; after: string } | undefined>();
  const [error, setError] = useState<ErrorData | undefined>();
  const report = entry.report;
  return (
    <div className="run-detail" data-testid="run-detail">
      {report.runs.map((run) => (
        <div key={run.run}>
          <table className="table run-checks">
            <tbody>
              {run.checks.map((c) => (
                <tr key={c.name} data-testid="run-check" data-name={c.name} data-status={c.status}>
                  <td className={`status-${c.status === 'passed' ? 'good' : c.status === 'failed' ? 'bad' : 'warn'}`}>{STATE_ICON[c.status]}</td>
                  <td>{c.name}</td>
                  <td>
                    <span className="tag">{c.kind}</span>
                  </td>
                  <td className="num">{formatSecs(c.durationMs)}</td>
                  <td className="run-message">{c.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {run.error && <div className="inline-error">{run.error}</div>}
          {run.consoleTail && run.consoleTail.length > 0 && (
            <>
              <h3 className="run-sub">Last console lines</h3>
              <ConsoleTail lines={run.consoleTail} />
            </>
          )}
          {run.guestAddresses && run.guestAddresses.length > 0 && <p className="muted small">Guest addresses (agent): {run.guestAddresses.join(', ')}</p>}
          <div className="toolbar">
            <button
              type="button"
              className="btn btn-small"
              data-testid="run-open-console"
              onClick={async () => {
                const file = report.repeat > 1 ? `run-${run.run}/console.log` : 'console.log';
                const r = await call((a) => a.readTestFile({ name, run: entry.id, file }));
                if (!r.ok) return setError(r.error);
                if (r.value.kind === 'text') setConsoleView(consoleAtFailure(r.value.text, r.value.offset, run));
              }}
            >
              {failedCheck(run) ? 'Open the console at the failure' : 'Open the console'}
            </button>
            <span className="muted small">
              Results: <code>{report.resultsDir}</code> (report.json, junit.xml, console.log, qemu.stderr.log, events.jsonl)
            </span>
          </div>
          {error && <div className="inline-error">{error.message}</div>}
          {consoleView && <RunConsole view={consoleView} failed={Boolean(failedCheck(run))} />}
          {screenshotFiles(run, report.repeat > 1 ? run.dir : report.resultsDir).map((s) => (
            <Screenshot key={s.file} name={name} run={entry.id} file={report.repeat > 1 ? `run-${run.run}/${s.file}` : s.file} check={s.check} />
          ))}
        </div>
      ))}
    </div>
  );
}

/** A failed run's last console lines, scrolled to the last one. */
function ConsoleTail({ lines }: { lines: string[] }) {
  const box = useRef<HTMLPreElement | null>(null);
  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines]);
  return (
    <pre ref={box} className="cmdline run-tail" data-testid="run-console-tail">
      {plainConsole(lines.join('\n'))}
    </pre>
  );
}

/** The run's console.log, scrolled to the failing moment (marked). */
function RunConsole({ view, failed }: { view: { before: string; after: string }; failed: boolean }) {
  const marker = useRef<HTMLSpanElement | null>(null);
  const box = useRef<HTMLPreElement | null>(null);
  useEffect(() => {
    const b = box.current;
    const m = marker.current;
    if (b && m) b.scrollTop = Math.max(0, m.offsetTop - b.clientHeight + 40);
  }, [view]);
  return (
    <pre ref={box} className="cmdline run-console" data-testid="run-console">
      {plainConsole(view.before)}
      {failed && (
        <span ref={marker} className="run-fail-mark" data-testid="run-fail-mark">
          {'\n'}▲ the check failed here{'\n'}
        </span>
      )}
      <span className="muted">{plainConsole(view.after)}</span>
    </pre>
  );
}

function Screenshot({ name, run, file, check }: { name: string; run: string; file: string; check: string }) {
  const [src, setSrc] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    void call((a) => a.readTestFile({ name, run, file })).then((r) => {
      if (!r.ok) setError(r.error.message);
      else if (r.value.kind === 'png') setSrc(`data:image/png;base64,${r.value.base64}`);
    });
  }, [name, run, file]);
  return (
    <figure className="run-screenshot" data-testid="run-screenshot">
      {src ? <img src={src} alt={`Screenshot of "${check}"`} /> : <span className="muted">{error ?? 'Loading…'}</span>}
      <figcaption className="muted small">
        {check}: {file}
      </figcaption>
    </figure>
  );
}
