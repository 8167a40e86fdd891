// The health panel: what `doctor` found on this host (QEMU, qemu-img, KVM, sandbox) and what to do.
import { formatBytes } from '../lib/format';
import { useEffect } from 'react';
import { useDoctor } from '../stores/doctor';
import { hintFor } from '../lib/error-hints';

/** The Health page. */
export function HealthView() {
  const { report, loading, error, load } = useDoctor();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <div className="page" data-testid="health-view">
      <div className="page-head">
        <h1>Health</h1>
        <button type="button" className="btn" onClick={() => void load()} disabled={loading}>
          {loading ? 'Checking…' : 'Check again'}
        </button>
      </div>
      {error && (
        <div className="inline-error" role="alert">
          <strong>The host check failed.</strong> {error.message} {hintFor(error)}
        </div>
      )}
      {!report && !error && <p className="muted">Checking this host…</p>}
      {report && (
        <>
          <section className="card">
            <h2>QEMU</h2>
            {report.emulators.length === 0 ? (
              <p className="status-bad" data-testid="qemu-missing">
                ✗ No qemu-system-* emulator was found on PATH.
              </p>
            ) : (
              <table className="kv">
                <tbody>
                  {report.emulators.map((e) => (
                    <tr key={e.path}>
                      <th>
                        <span className="status-good">✓</span> {e.name}
                      </th>
                      <td>
                        <code>{e.path}</code> {e.version && <span className="muted">— {e.version}</span>}
                      </td>
                    </tr>
                  ))}
                  <tr>
                    <th>{report.qemuImg ? <span className="status-good">✓</span> : <span className="status-bad">✗</span>} qemu-img</th>
                    <td>
                      {report.qemuImg ? (
                        <>
                          <code>{report.qemuImg.path}</code> {report.qemuImg.version && <span className="muted">— {report.qemuImg.version}</span>}
                        </>
                      ) : (
                        'not found (needed for disposable VMs and image inspection)'
                      )}
                    </td>
                  </tr>
                </tbody>
              </table>
            )}
          </section>
          <section className="card">
            <h2>Acceleration</h2>
            <table className="kv">
              <tbody>
                <tr>
                  <th>{report.kvm.usable ? <span className="status-good">✓</span> : <span className="status-warn">!</span>} KVM</th>
                  <td>
                    {report.kvm.usable ? 'usable' : report.kvm.exists ? 'present but not usable' : 'not available'} — {report.kvm.detail}
                  </td>
                </tr>
                <tr>
                  <th>Usable accelerators</th>
                  <td data-testid="usable-accelerators">{report.accelerators.join(', ') || 'none'}</td>
                </tr>
                <tr>
                  <th>{report.sandbox.supported ? <span className="status-good">✓</span> : <span className="status-warn">!</span>} Sandbox</th>
                  <td>{report.sandbox.detail}</td>
                </tr>
                {report.cache && (
                  <tr>
                    <th>Artifact cache</th>
                    <td data-testid="health-cache">
                      {formatBytes(report.cache.bytes)} in {report.cache.entries} entr{report.cache.entries === 1 ? 'y' : 'ies'} · <code>{report.cache.path}</code> (clear it in Settings)
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </section>
          {report.hints.length > 0 && (
            <section className="card">
              <h2>What to do</h2>
              <ul className="hint-list" data-testid="doctor-hints">
                {report.hints.map((h) => (
                  <li key={h}>{h}</li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </div>
  );
}
