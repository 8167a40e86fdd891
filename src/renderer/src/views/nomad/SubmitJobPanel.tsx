// "Submit to Nomad": the cluster address, namespace, region and ACL token (kept only sealed by the OS keyring,
// or not at all), then the submission's progress (evaluation, allocation, task events) and how it ended.
import { useEffect, useRef, useState } from 'react';
import type { NomadSubmitEvent } from '../../../../shared/ipc-contract';
import { hintFor } from '../../lib/error-hints';
import { useNomadSubmit, type SubmitForm } from '../../stores/nomad-submit';

/** One progress event in words. */
export function describeSubmitEvent(e: NomadSubmitEvent): string {
  switch (e.kind) {
    case 'registered':
      return `Registered job ${e.jobId}${e.evalId ? `, evaluation ${e.evalId.slice(0, 8)}` : ''}${e.warnings ? ` (warnings: ${e.warnings})` : ''}`;
    case 'evaluation':
      return `Evaluation ${e.status}${e.description ? `: ${e.description}` : ''}`;
    case 'placement-failed':
      return `Could not place group ${e.group}: ${e.detail}`;
    case 'allocation':
      return `Allocation ${e.allocId.slice(0, 8)} ${e.clientStatus}${e.node ? ` on ${e.node}` : ''}`;
    case 'task-event':
      return `${e.task}: ${e.type}${e.message ? ` — ${e.message}` : ''}`;
    case 'task-state':
      return `${e.task} is ${e.state}${e.failed ? ' (failed)' : ''}`;
  }
}

/** The submit panel for VM `name`. */
export function SubmitJobPanel({ name }: { name: string }) {
  const st = useNomadSubmit();
  const [form, setForm] = useState<SubmitForm>({ address: '', namespace: '', region: '', token: '', rememberToken: false, artifactUrl: '' });
  useEffect(() => {
    void useNomadSubmit.getState().loadSaved().then(() => {
      const s = useNomadSubmit.getState().saved;
      if (s) setForm((f) => ({ ...f, address: s.address, namespace: s.namespace, region: s.region }));
    });
  }, []);
  const set = (k: keyof SubmitForm) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: k === 'rememberToken' ? e.target.checked : e.target.value });
  const mine = st.name === name;
  const keyring = st.saved?.tokenStorage !== 'unavailable';
  return (
    <div className="submit-panel">
      <div className="grid-2">
        <Text label="Nomad address" value={form.address} onChange={set('address')} placeholder="http://127.0.0.1:4646 (or NOMAD_ADDR)" testId="nomad-address" />
        <Text label="Namespace" value={form.namespace} onChange={set('namespace')} placeholder="default (or NOMAD_NAMESPACE)" testId="nomad-namespace" />
        <Text label="Region" value={form.region} onChange={set('region')} placeholder="(or NOMAD_REGION)" testId="nomad-region" />
        <Text label="Image URL for Nomad (optional)" value={form.artifactUrl} onChange={set('artifactUrl')} placeholder="https://images.example.com/web.qcow2" testId="nomad-artifact" />
      </div>
      <label className="field">
        <span className="field-label">ACL token</span>
        <input type="password" autoComplete="off" value={form.token} onChange={set('token')} placeholder={st.saved?.tokenSaved ? 'a saved token is used when empty' : 'none (or NOMAD_TOKEN)'} data-testid="nomad-token" />
      </label>
      {keyring ? (
        <label className="check">
          <input type="checkbox" checked={form.rememberToken} onChange={set('rememberToken')} disabled={!form.token} data-testid="nomad-remember" />
          Remember the token for this address (encrypted with the system keyring)
        </label>
      ) : (
        <p className="muted" data-testid="nomad-no-keyring">
          This system has no keyring vmdesk can use, so the token is not saved: enter it each time, or set NOMAD_TOKEN before starting vmdesk.
        </p>
      )}
      {st.saved?.tokenSaved && (
        <p className="muted" data-testid="nomad-token-saved">
          A token for {st.saved.address || 'the default address'} is saved, encrypted.{' '}
          <button type="button" className="btn btn-small" onClick={() => void st.forgetToken()} data-testid="nomad-forget-token">
            Forget it
          </button>
        </p>
      )}
      <div className="input-row">
        <button type="button" className="btn btn-primary" disabled={st.running} onClick={() => void st.submit(name, form)} data-testid="nomad-submit">
          {st.running && mine ? 'Submitting…' : 'Submit to Nomad'}
        </button>
      </div>
      {mine && <Progress />}
    </div>
  );
}

function Progress() {
  const { events, result, error, running } = useNomadSubmit();
  const end = useRef<HTMLDivElement>(null);
  // Keep the latest step and the outcome in view (the dialog body scrolls).
  useEffect(() => {
    // (A block body: Chromium's scroll methods may return a promise, which React would take for a cleanup.)
    void end.current?.scrollIntoView({ block: 'nearest' });
  }, [events.length, result, error]);
  return (
    <section className="submit-progress" aria-live="polite" data-testid="nomad-progress">
      {events.length > 0 && (
        <ol className="submit-events">
          {events.map((e, i) => (
            <li key={i} data-testid="nomad-event" data-kind={e.kind}>
              {describeSubmitEvent(e)}
            </li>
          ))}
        </ol>
      )}
      {running && <p className="muted">Waiting for Nomad…</p>}
      {result && (
        <div className={result.outcome === 'running' || result.outcome === 'registered' ? 'inline-ok' : 'inline-error'} role="status" data-testid="nomad-result" data-outcome={result.outcome}>
          {result.outcome === 'running' && `Running on Nomad: job ${result.jobId}${result.allocId ? `, allocation ${result.allocId.slice(0, 8)}` : ''}.`}
          {result.outcome === 'registered' && `Registered job ${result.jobId}.`}
          {(result.outcome === 'failed' || result.outcome === 'timeout') && `The job did not start: ${result.reason ?? result.outcome}.`}
        </div>
      )}
      {error && (
        <div className="inline-error" role="alert" data-testid="nomad-error">
          <strong>The submission failed.</strong> {error.message}
          {hintFor(error) && <div className="notice-hint">{hintFor(error)}</div>}
        </div>
      )}
      <div ref={end} />
    </section>
  );
}

function Text(props: { label: string; value: string; onChange: (e: React.ChangeEvent<HTMLInputElement>) => void; placeholder: string; testId: string }) {
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      <input value={props.value} onChange={props.onChange} placeholder={props.placeholder} spellCheck={false} data-testid={props.testId} />
    </label>
  );
}
