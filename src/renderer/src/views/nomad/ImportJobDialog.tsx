// "Import Nomad job": pick the job file with the native dialog or paste its HCL / JSON, see every qemu task it
// holds with its diagnostics (line:column), choose tasks, and create one VM per chosen task (all or nothing).
import { useEffect } from 'react';
import { Dialog } from '../../components/Dialog';
import { useUi } from '../../stores/ui';
import { useNomadImport } from '../../stores/nomad-import';
import { hintFor } from '../../lib/error-hints';
import type { ImportJobResult } from '../../../../shared/ipc-contract';
import { DiagnosticList } from './DiagnosticList';

/** The import dialog. */
export function ImportJobDialog() {
  const close = useUi((s) => s.closeDialog);
  const navigate = useUi((s) => s.navigate);
  const st = useNomadImport();
  useEffect(() => {
    useNomadImport.getState().reset();
  }, []);
  const current = st.preview !== undefined && st.previewedText === st.text;
  const submit = async () => {
    if (!current) return void (await st.check());
    const created = await st.importChosen();
    if (created.length > 0) {
      close();
      navigate({ page: 'vm', name: created[0]! });
    }
  };
  const canImport = current && st.chosen.length > 0 && !st.busy;
  return (
    <Dialog
      title="Import a Nomad job"
      wide
      onCancel={close}
      onSubmit={submit}
      testId="import-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="button" className="btn" onClick={() => void st.check()} disabled={!st.text.trim() || Boolean(st.busy)} data-testid="check-job">
            {st.busy === 'checking' ? 'Checking…' : 'Check job'}
          </button>
          <button type="submit" className="btn btn-primary" disabled={!canImport} data-testid="import-chosen">
            {st.busy === 'importing' ? 'Importing…' : `Create ${st.chosen.length} VM${st.chosen.length === 1 ? '' : 's'}`}
          </button>
        </>
      }
    >
      <p className="muted">vmdesk makes one VM per <code>qemu</code> task. Choose the job file, or paste the job in HCL2 or Nomad’s API JSON.</p>
      <div className="input-row">
        <button type="button" className="btn" onClick={() => void st.pickFile()} disabled={Boolean(st.busy)} data-testid="pick-job" data-autofocus>
          {st.busy === 'picking' ? 'Opening…' : 'Choose job file…'}
        </button>
        <span className="muted" data-testid="job-file-name">{st.fileName ?? 'or paste it below'}</span>
      </div>
      <label className="field">
        <span className="field-label">Job (HCL or JSON)</span>
        <textarea className="job-text" rows={7} spellCheck={false} value={st.text} onChange={(e) => st.setText(e.target.value)} placeholder={'job "web" {\n  group "web" {\n    task "vm" {\n      driver = "qemu"\n      …'} data-testid="job-text" />
      </label>
      {st.error && (
        <div className="inline-error" role="alert" data-testid="import-error">
          {st.error.message}
          {hintFor(st.error) && <div className="notice-hint">{hintFor(st.error)}</div>}
        </div>
      )}
      {st.preview && <Preview result={st.preview} stale={!current} />}
      {st.failed && (
        <div className="inline-error" role="alert" data-testid="import-failed">
          <strong>Nothing was created.</strong> Fix these, or leave the task out:
          <DiagnosticList items={st.failed.diagnostics.filter((d) => d.severity === 'error')} />
        </div>
      )}
    </Dialog>
  );
}

function Preview({ result, stale }: { result: ImportJobResult; stale: boolean }) {
  const chosen = useNomadImport((s) => s.chosen);
  const toggle = useNomadImport((s) => s.toggle);
  const taskNames = new Set(result.found.map((t) => t.nomadTask));
  const jobLevel = result.diagnostics.filter((d) => !d.task || !taskNames.has(d.task));
  return (
    <section className={`import-preview${stale ? ' stale' : ''}`} data-testid="import-preview" aria-live="polite">
      <h3>
        {result.job ? `Job “${result.job.name}” (${result.job.format === 'hcl' ? 'HCL' : 'API JSON'})` : 'The job could not be read'}
        {stale && <span className="muted"> — the text changed; check it again</span>}
      </h3>
      <DiagnosticList items={jobLevel} testId="job-diagnostics" />
      {result.found.length > 0 && (
        <ul className="found-tasks">
          {result.found.map((t) => (
            <li key={t.name} className="found-task" data-testid={`found-${t.name}`}>
              <label className="check">
                <input type="checkbox" checked={chosen.includes(t.name)} disabled={!t.valid || stale} onChange={() => toggle(t.name)} data-testid={`choose-${t.name}`} />
                <strong>{t.name}</strong>
                <span className="muted">
                  {t.group}/{t.nomadTask}
                </span>
                <span className={`tag${t.valid ? '' : ' tag-error'}`}>{t.valid ? 'can be imported' : 'has errors'}</span>
              </label>
              <DiagnosticList items={result.diagnostics.filter((d) => d.task === t.nomadTask)} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
