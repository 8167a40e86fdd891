// The artifacts editor of the task form: images fetched from URLs into the VM's folder before it starts
// (Nomad's artifact block: source, checksum, destination, mode, archive). One card per artifact.
import { useTaskForm, shouldShow } from '../stores/task-form';
import { newArtifactRow, type ArtifactRow, type FormField } from '../lib/task-form';

/** The editor; `errors` are the form's errors by field (`artifact:<index>` for a row). */
export function ArtifactsEditor({ errors }: { errors: Partial<Record<FormField, string>> }) {
  const state = useTaskForm();
  const { form, update } = state;
  const rows = form.artifacts;
  const set = (id: number, patch: Partial<Omit<ArtifactRow, 'id'>>) => update({ artifacts: rows.map((r) => (r.id === id ? { ...r, ...patch } : r)) });
  const remove = (id: number) => update({ artifacts: rows.filter((r) => r.id !== id) });
  const listError = shouldShow(state, 'artifacts') ? errors.artifacts : undefined;
  return (
    <div className="artifact-editor" data-testid="artifact-editor">
      {rows.map((row, i) => {
        const key: FormField = `artifact:${i}`;
        const error = shouldShow(state, key) ? errors[key] : undefined;
        const id = (f: string) => `artifact-${row.id}-${f}`;
        return (
          <div key={row.id} className={`artifact-row${error ? ' has-error' : ''}`} data-testid="artifact-row">
            <div className="field field-wide">
              <label className="field-label" htmlFor={id('source')}>Source URL</label>
              <input id={id('source')} value={row.source} onChange={(e) => set(row.id, { source: e.target.value })} placeholder="https://cloud.debian.org/images/…/debian-12.qcow2" spellCheck={false} aria-invalid={Boolean(error)} data-testid="artifact-source" />
            </div>
            <div className="field field-wide">
              <label className="field-label" htmlFor={id('checksum')}>Checksum</label>
              <input id={id('checksum')} value={row.checksum} onChange={(e) => set(row.id, { checksum: e.target.value })} placeholder="sha256:… or file:https://…/SHA256SUMS" spellCheck={false} data-testid="artifact-checksum" />
            </div>
            <div className="grid-2">
              <div className="field">
                <label className="field-label" htmlFor={id('destination')}>Destination (in the VM’s folder)</label>
                <input id={id('destination')} value={row.destination} onChange={(e) => set(row.id, { destination: e.target.value })} placeholder="local/" spellCheck={false} data-testid="artifact-destination" />
              </div>
              <div className="field">
                <label className="field-label" htmlFor={id('mode')}>Mode</label>
                <select id={id('mode')} value={row.mode} onChange={(e) => set(row.id, { mode: e.target.value as ArtifactRow['mode'] })} data-testid="artifact-mode">
                  <option value="any">any: into the folder (archives unpacked)</option>
                  <option value="file">file: the destination is the file</option>
                  <option value="dir">dir: the source is a directory archive</option>
                </select>
              </div>
            </div>
            <div className="artifact-row-foot">
              <label className="check">
                <input type="checkbox" checked={row.archive} onChange={(e) => set(row.id, { archive: e.target.checked })} /> Unpack archives (.tar.gz, .zip, .xz, …)
              </label>
              {Object.keys(row.headers).length > 0 && <span className="muted small">{Object.keys(row.headers).length} HTTP header(s) kept from the task file</span>}
              <button type="button" className="btn btn-small btn-danger-outline" onClick={() => remove(row.id)} aria-label={`Remove artifact ${i + 1}`} data-testid="artifact-remove">
                Remove
              </button>
            </div>
            {error && (
              <div className="field-error" role="alert" data-testid="artifact-error">
                {error}
              </div>
            )}
          </div>
        );
      })}
      {listError && (
        <div className="field-error" role="alert">
          {listError}
        </div>
      )}
      <button type="button" className="btn btn-small" onClick={() => update({ artifacts: [...rows, newArtifactRow()] })} data-testid="artifact-add">
        + Add artifact
      </button>
    </div>
  );
}
