// The Downloads list on the home page: every artifact fetch of this session, running ones with Cancel.
import { useDownloads } from '../stores/downloads';
import { DownloadProgress } from '../components/DownloadProgress';

/** The Downloads card; nothing when there has been no download. */
export function DownloadsList() {
  const byName = useDownloads((s) => s.byName);
  const list = Object.values(byName).reverse();
  if (list.length === 0) return null;
  return (
    <section className="card" data-testid="downloads-list" aria-label="Downloads">
      <h2>Downloads</h2>
      {list.map((d) => (
        <DownloadProgress key={d.name} d={d} showName />
      ))}
    </section>
  );
}
