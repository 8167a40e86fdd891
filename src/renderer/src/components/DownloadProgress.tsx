// One VM's artifact download: a progress bar with its line of text and Cancel (the VM header, the Downloads list).
import type { Download } from '../../../shared/download';
import { downloadFraction, downloadLine } from '../lib/download';
import { useDownloads } from '../stores/downloads';

/** The progress bar of `d`; Cancel while it runs. */
export function DownloadProgress({ d, showName = false }: { d: Download; showName?: boolean }) {
  const cancel = useDownloads((s) => s.cancel);
  const frac = downloadFraction(d);
  return (
    <div className={`download download-${d.status}`} data-testid={`download-${d.name}`} data-status={d.status}>
      <div className="progress-label">
        {showName && <strong>{d.name}: </strong>}
        <span data-testid="download-line">{downloadLine(d)}</span>
      </div>
      <div className="download-row">
        {d.status === 'running' || d.status === 'done' ? (
          frac === undefined ? (
            <progress aria-label={`Artifact download of ${d.name}`} />
          ) : (
            <progress max={1000} value={Math.round(frac * 1000)} aria-label={`Artifact download of ${d.name}`} />
          )
        ) : null}
        {d.status === 'running' && (
          <button type="button" className="btn btn-small" onClick={() => void cancel(d.name)} data-testid="download-cancel">
            Cancel
          </button>
        )}
      </div>
    </div>
  );
}
