// The Checks tab: what "works" means for this VM (the task's `checks`, edited as a form or as JSON, checked as the
// user types), Run tests on a disposable VM with `vmdesk test`'s engine (each check's live state and time, Stop),
// the last runs with their evidence, and "Copy as CLI command" for CI.
import { useEffect } from 'react';
import type { VmInfo } from '../../../../shared/vm';
import { CopyButton } from '../../components/CopyButton';
import { hintFor } from '../../lib/error-hints';
import { useChecks } from '../../stores/checks';
import { ChecksEditor } from './ChecksEditor';
import { LastRuns, LiveRun } from './TestRuns';
import { Spinner } from '../VmView';

/** The Checks tab. */
export function ChecksTab({ vm }: { vm: VmInfo }) {
  const name = vm.name;
  const s = useChecks();
  useEffect(() => {
    void useChecks.getState().load(name);
  }, [name]);

  if (s.loadError && !s.task) {
    return (
      <div className="inline-error" role="alert">
        {s.loadError.message} {hintFor(s.loadError)}
      </div>
    );
  }
  if (!s.task || s.name !== name) return <p className="muted">Loading the checks…</p>;

  const running = s.live?.status === 'running';
  const invalid = s.issues.length > 0 || Boolean(s.jsonError);
  const count = s.mode === 'form' ? s.rows.length : undefined;
  return (
    <div className="checks-tab" data-testid="checks-tab">
      <section className="card">
        <div className="card-head">
          <h2>Checks</h2>
          <fieldset className="segmented" aria-label="Edit as">
            {(['form', 'json'] as const).map((m) => (
              <label key={m} className={`segment${s.mode === m ? ' active' : ''}`} data-testid={`checks-mode-${m}`}>
                <input type="radio" name="checks-mode" checked={s.mode === m} onChange={() => s.setMode(m)} />
                {m === 'form' ? 'Form' : 'JSON'}
              </label>
            ))}
          </fieldset>
        </div>
        <p className="muted small">Run in order on a fresh disposable VM (the image is never written); the first failure ends the run.</p>
        <ChecksEditor />
        {s.saveError && (
          <div className="inline-error" role="alert" data-testid="checks-save-error">
            {s.saveError.field ? <code>{s.saveError.field}</code> : null} {s.saveError.message} {hintFor(s.saveError)}
          </div>
        )}
        <div className="toolbar checks-actions">
          <button type="button" className="btn" disabled={!s.dirty || invalid || s.saving} onClick={() => void s.save()} data-testid="checks-save">
            {s.saving ? 'Saving…' : s.dirty ? 'Save' : 'Saved'}
          </button>
          {running ? (
            <button type="button" className="btn btn-danger-outline" disabled={s.live?.stopping} onClick={() => void s.stop()} data-testid="checks-stop" title="Cut the check short and stop the test VM">
              {s.live?.stopping ? <Spinner label="Stopping…" /> : 'Stop'}
            </button>
          ) : (
            <button type="button" className="btn btn-primary" disabled={invalid || s.starting || count === 0} onClick={() => void s.run()} data-testid="checks-run" title={s.dirty ? 'Saves the checks, then runs them' : 'Runs the saved checks on a disposable VM'}>
              {s.starting ? <Spinner label="Starting…" /> : s.dirty ? 'Save and run tests' : 'Run tests'}
            </button>
          )}
          {s.overview && <CopyButton text={() => s.overview!.command} label="Copy as CLI command" className="checks-copy" />}
          {s.overview && (
            <code className="checks-cli" data-testid="checks-cli-command">
              {s.overview.command}
            </code>
          )}
        </div>
        {s.runError && (
          <div className="inline-error" role="alert" data-testid="checks-run-error">
            {s.runError.message} {hintFor(s.runError)}
          </div>
        )}
      </section>
      {s.live && <LiveRun run={s.live} />}
      <section className="card">
        <div className="card-head">
          <h2>Last runs</h2>
          {s.overview && <span className="muted small">{s.overview.resultsRoot}</span>}
        </div>
        <LastRuns name={name} runs={s.overview?.runs ?? []} />
      </section>
    </div>
  );
}
