// The Checks tab's editor: one card per check (name, kind, timeout and the kind's fields) or the checks as JSON;
// every problem is shown as the user types, at its field in the form and with its JSON path in the JSON view.
import { CHECK_KINDS, type CheckKind } from '../../../../shared/checks';
import { rowErrors, type CheckField, type CheckRow } from '../../lib/checks-form';
import { useChecks } from '../../stores/checks';

const KIND_LABEL: Record<CheckKind, string> = {
  console: 'console: text on the serial console',
  port: 'port: a forwarded port accepts TCP',
  http: 'http: a request answers',
  agent: 'agent: a command through the guest agent',
  ssh: 'ssh: a command over vmdesk ssh',
  screen: 'screen: a screenshot (kept)',
  shutdown: 'shutdown: powers off gracefully',
};

/** The editor (form or JSON, as the store's mode says). */
export function ChecksEditor() {
  const mode = useChecks((s) => s.mode);
  return mode === 'form' ? <ChecksForm /> : <ChecksJson />;
}

function ChecksForm() {
  const rows = useChecks((s) => s.rows);
  const issues = useChecks((s) => s.issues);
  const addRow = useChecks((s) => s.addRow);
  const listIssues = issues.filter((i) => i.row === undefined);
  return (
    <div className="checks-form" data-testid="checks-form">
      {rows.length === 0 && <p className="muted">No checks yet. Add one: what must the VM do to count as working?</p>}
      {rows.map((row, i) => (
        <CheckCard key={row.id} row={row} index={i} errors={rowErrors(issues, i)} />
      ))}
      {listIssues.map((i) => (
        <div key={i.where + i.message} className="field-error" role="alert">
          {i.where}: {i.message}
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={() => addRow()} data-testid="checks-add">
        + Add check
      </button>
    </div>
  );
}

function CheckCard({ row, index, errors }: { row: CheckRow; index: number; errors: Partial<Record<CheckField, string>> }) {
  const updateRow = useChecks((s) => s.updateRow);
  const removeRow = useChecks((s) => s.removeRow);
  const portLabels = Object.keys(useChecks((s) => s.portMap));
  const id = (f: string) => `check-${row.id}-${f}`;
  const input = (field: CheckField & keyof CheckRow, label: string, placeholder = '', wide = false) => (
    <div className={`field${wide ? ' field-wide' : ''}${errors[field] ? ' has-error' : ''}`}>
      <label className="field-label" htmlFor={id(field)}>
        {label}
      </label>
      <input
        id={id(field)}
        value={row[field] as string}
        onChange={(e) => updateRow(row.id, { [field]: e.target.value })}
        placeholder={placeholder}
        spellCheck={false}
        aria-invalid={Boolean(errors[field])}
        data-testid={`check-${field}`}
      />
      {errors[field] && (
        <span className="field-error" data-testid={`check-error-${field}`}>
          {errors[field]}
        </span>
      )}
    </div>
  );
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <div className={`check-card${hasErrors ? ' has-error' : ''}`} data-testid="check-row" data-index={index}>
      <div className="check-card-head">
        <span className="check-index">{index + 1}</span>
        {input('name', 'Name', 'boots')}
        <div className={`field check-kind-field${errors.kind ? ' has-error' : ''}`}>
          <label className="field-label" htmlFor={id('kind')}>
            Kind
          </label>
          <select id={id('kind')} value={row.kind} onChange={(e) => updateRow(row.id, { kind: e.target.value as CheckKind })} data-testid="check-kind">
            {CHECK_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
          {errors.kind && (
            <span className="field-error" data-testid="check-error-kind">
              {errors.kind}
            </span>
          )}
        </div>
        {input('timeout', 'Timeout', '2m (default)')}
        <button type="button" className="btn btn-small btn-danger-outline check-remove" onClick={() => removeRow(row.id)} aria-label={`Remove check ${index + 1}`} data-testid="check-remove">
          Remove
        </button>
      </div>
      <div className="check-card-body">
        {row.kind === 'console' && (
          <>
            {input('console', 'Console regular expression', 'login: |READY', true)}
            {input('send', 'Send first (optional)', 'e.g. a command and \\n')}
          </>
        )}
        {(row.kind === 'port' || row.kind === 'http') && (
          <div className={`field${errors.port ? ' has-error' : ''}`}>
            <label className="field-label" htmlFor={id('port')}>
              Port label
            </label>
            <input id={id('port')} list={id('labels')} value={row.port} onChange={(e) => updateRow(row.id, { port: e.target.value })} placeholder={portLabels[0] ?? 'http'} spellCheck={false} aria-invalid={Boolean(errors.port)} data-testid="check-port" />
            <datalist id={id('labels')}>
              {portLabels.map((l) => (
                <option key={l} value={l} />
              ))}
            </datalist>
            {errors.port && (
              <span className="field-error" data-testid="check-error-port">
                {errors.port}
              </span>
            )}
          </div>
        )}
        {row.kind === 'http' && (
          <>
            {input('path', 'Path', '/')}
            {input('method', 'Method', 'GET')}
            {input('status', 'Status', '200 (default)')}
            {input('body', 'Body regular expression (optional)', 'ok', true)}
            {Object.keys(row.httpKeep).length > 0 && <span className="muted small">{Object.keys(row.httpKeep).join(', ')} kept from the task file (edit in JSON)</span>}
          </>
        )}
        {(row.kind === 'agent' || row.kind === 'ssh') && (
          <>
            {input('command', 'Command (program and arguments)', '/bin/uname -s', true)}
            {row.kind === 'agent' && input('exitCode', 'Exit code', '0')}
            {input('stdout', 'Stdout regular expression (optional)', '^Linux')}
          </>
        )}
        {row.kind === 'screen' && input('settled', 'Settled for (optional)', '5s')}
        {row.kind === 'shutdown' && <span className="muted small">Presses the power button; the guest must power off within the timeout.</span>}
      </div>
    </div>
  );
}

function ChecksJson() {
  const json = useChecks((s) => s.json);
  const jsonError = useChecks((s) => s.jsonError);
  const issues = useChecks((s) => s.issues);
  const setJson = useChecks((s) => s.setJson);
  return (
    <div className="checks-json">
      <label className="field-label" htmlFor="checks-json">
        The task’s <code>checks</code>, as in the task file or a <code>--spec</code> file
      </label>
      <textarea id="checks-json" className="checks-json-text" value={json} onChange={(e) => setJson(e.target.value)} spellCheck={false} rows={Math.min(18, Math.max(8, json.split('\n').length + 1))} aria-invalid={Boolean(jsonError) || issues.length > 0} data-testid="checks-json" />
      {jsonError && (
        <div className="field-error" role="alert" data-testid="checks-json-error">
          {jsonError}
        </div>
      )}
      {issues.length > 0 && (
        <ul className="checks-issues" data-testid="checks-issues">
          {issues.map((i) => (
            <li key={i.where + i.message} className="field-error">
              <code>{i.where}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
