// Settings: the artifact cache (images fetched from URLs): where it is, its size, and clearing what no VM uses.
import { useEffect, useState } from 'react';
import type { CacheInfo } from '../../../shared/download';
import { call } from '../api';
import { formatBytes } from '../lib/format';
import { reportError, reportSuccess } from '../stores/notices';

/** The cache card of the Settings page. */
export function CacheSection() {
  const [info, setInfo] = useState<CacheInfo | undefined>();
  const [clearing, setClearing] = useState(false);
  useEffect(() => {
    void call((a) => a.cacheInfo()).then((r) => r.ok && setInfo(r.value));
  }, []);
  const clear = async () => {
    setClearing(true);
    const r = await call((a) => a.clearCache());
    setClearing(false);
    if (!r.ok) return reportError('Could not clear the cache', r.error);
    setInfo(r.value.cache);
    const n = r.value.removed + r.value.partials;
    reportSuccess('Cache cleared', n ? `Removed ${n} item${n === 1 ? '' : 's'}, ${formatBytes(r.value.freedBytes)} freed.` : 'Nothing to remove: every entry is used by a VM.');
  };
  return (
    <section className="card" aria-labelledby="cache-title" data-testid="settings-cache">
      <h2 id="cache-title">Artifact cache</h2>
      <p className="muted small">Images VMs fetch from URLs (their artifacts) are kept here by checksum, so a second VM from the same image downloads nothing.</p>
      <p data-testid="cache-size">
        {info ? (
          <>
            {formatBytes(info.bytes)} in {info.entries} entr{info.entries === 1 ? 'y' : 'ies'} · <code>{info.path}</code>
          </>
        ) : (
          'Reading the cache…'
        )}
      </p>
      <button type="button" className="btn" onClick={() => void clear()} disabled={clearing || !info} data-testid="cache-clear" title="Removes entries no VM’s folder uses any more, and stale partial downloads">
        {clearing ? 'Clearing…' : 'Clear unused'}
      </button>
    </section>
  );
}
