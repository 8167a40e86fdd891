// "Export as Nomad job": the VM as a job in HCL2 or API JSON (what runs it on current Nomad), with an optional
// artifact URL for the image; copy it, or save it with the native save dialog.
import { useEffect, useState } from 'react';
import type { ExportJobResult } from '../../../../shared/ipc-contract';
import type { ErrorData } from '../../../../shared/errors';
import { call } from '../../api';
import { CopyButton } from '../../components/CopyButton';
import { hintFor } from '../../lib/error-hints';

/** The export panel for VM `name`. */
export function ExportJobPanel({ name }: { name: string }) {
  const [format, setFormat] = useState<'hcl' | 'json'>('hcl');
  const [artifactUrl, setArtifactUrl] = useState('');
  const [job, setJob] = useState<ExportJobResult | undefined>();
  const [error, setError] = useState<ErrorData | undefined>();
  const [saved, setSaved] = useState<string | null | undefined>();
  const request = () => ({ name, format, ...(artifactUrl.trim() ? { artifactUrl: artifactUrl.trim() } : {}) });

  useEffect(() => {
    let live = true;
    const t = setTimeout(async () => {
      const r = await call((a) => a.exportJob(request()));
      if (!live) return;
      setSaved(undefined);
      if (r.ok) {
        setJob(r.value);
        setError(undefined);
      } else setError(r.error);
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [name, format, artifactUrl]);

  const save = async () => {
    const r = await call((a) => a.exportJob({ ...request(), save: true }));
    if (r.ok) setSaved(r.value.savedTo ?? null);
    else setError(r.error);
  };

  return (
    <div className="export-panel">
      <div className="input-row">
        <fieldset className="segmented" aria-label="Format">
          {(['hcl', 'json'] as const).map((f) => (
            <label key={f} className={`segment${format === f ? ' active' : ''}`}>
              <input type="radio" name="export-format" value={f} checked={format === f} onChange={() => setFormat(f)} data-testid={`export-format-${f}`} />
              {f === 'hcl' ? 'HCL2' : 'API JSON'}
            </label>
          ))}
        </fieldset>
        <CopyButton text={() => job?.text ?? ''} label="Copy" />
        <button type="button" className="btn btn-small" onClick={() => void save()} disabled={!job} data-testid="export-save">
          Save as…
        </button>
        {saved && (
          <span className="muted" data-testid="export-saved">
            Saved to {saved}
          </span>
        )}
        {saved === null && <span className="muted">Not saved (cancelled).</span>}
      </div>
      <label className="field">
        <span className="field-label">Image URL for Nomad (optional)</span>
        <input value={artifactUrl} onChange={(e) => setArtifactUrl(e.target.value)} placeholder="https://images.example.com/web.qcow2" aria-invalid={error?.field === 'artifactUrl'} data-testid="export-artifact" />
        <span className="field-hint">Nomad downloads the image from here into the task directory (an <code>artifact</code> block).</span>
        {error?.field === 'artifactUrl' && (
          <span className="field-error" role="alert" data-testid="export-error">
            {error.message}
          </span>
        )}
      </label>
      {error && error.field !== 'artifactUrl' && (
        <div className="inline-error" role="alert" data-testid="export-error">
          {error.message}
          {hintFor(error) && <div className="notice-hint">{hintFor(error)}</div>}
        </div>
      )}
      <pre className="cmdline job-text-view" data-testid="export-text">{job?.text ?? 'Exporting…'}</pre>
      {job && job.notes.length > 0 && (
        <ul className="hint-list" data-testid="export-notes">
          {job.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
