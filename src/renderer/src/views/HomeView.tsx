// The start page: the first-run empty state, or a short summary when VMs exist.
import { useUi } from '../stores/ui';
import { isActive, useVms } from '../stores/vms';
import { useDemo } from '../stores/demo';
import { useDoctor } from '../stores/doctor';
import { hintFor } from '../lib/error-hints';
import { DownloadsList } from './DownloadsList';

/** The home page. */
export function HomeView() {
  const vms = useVms((s) => s.vms);
  const loaded = useVms((s) => s.loaded);
  const list = Object.values(vms);
  if (!loaded) return <div className="page muted">Loading VMs…</div>;
  if (list.length === 0) return <EmptyState />;
  const running = list.filter(isActive).length;
  return (
    <div className="page home">
      <h1>Virtual machines</h1>
      <p className="lead">
        {list.length} VM{list.length === 1 ? '' : 's'}, {running} running. Pick one on the left to see its console, logs and stats.
      </p>
      <DownloadsList />
      <HealthSummary />
    </div>
  );
}

function EmptyState() {
  const navigate = useUi((s) => s.navigate);
  const demo = useDemo();
  const report = useDoctor((s) => s.report);
  const hasQemu = (report?.emulators.length ?? 0) > 0;
  const buildDemo = async () => {
    const name = await demo.build();
    if (name) {
      await useVms.getState().load();
      navigate({ page: 'vm', name });
    }
  };
  const p = demo.progress;
  return (
    <div className="page empty-state" data-testid="empty-state">
      <div className="empty-card">
        <h1>Run VM images on your own machine</h1>
        <p className="lead">
          vmdesk starts, watches and stops QEMU virtual machines defined like HashiCorp Nomad’s <code>qemu</code> tasks, so what works here works in your cluster.
        </p>
        <div className="empty-actions">
          <button type="button" className="btn btn-primary" onClick={() => navigate({ page: 'create' })} data-testid="empty-create">
            Create a VM from an image file…
          </button>
          <button type="button" className="btn" onClick={() => useUi.getState().openDialog({ kind: 'import-job' })} data-testid="empty-import">
            Import a Nomad job…
          </button>
          <button type="button" className="btn" onClick={buildDemo} disabled={demo.building || (report !== undefined && !hasQemu)} data-testid="build-demo">
            {demo.building ? 'Building demo image…' : 'Build the demo Linux image'}
          </button>
        </div>
        {report && !hasQemu && <p className="muted">The demo needs QEMU: see Health for how to install it.</p>}
        {demo.building && p && (
          <div className="progress-block" data-testid="demo-progress">
            <div className="progress-label">
              {p.step} ({p.done}/{p.total})
            </div>
            <progress max={Math.max(p.total, 1)} value={p.done} aria-label="Demo image build progress" />
          </div>
        )}
        {demo.error && (
          <div className="inline-error" role="alert">
            <strong>The demo image could not be built.</strong> {demo.error.message}
            {hintFor(demo.error) && <div className="notice-hint">{hintFor(demo.error)}</div>}
          </div>
        )}
      </div>
    </div>
  );
}

function HealthSummary() {
  const report = useDoctor((s) => s.report);
  const navigate = useUi((s) => s.navigate);
  if (!report) return null;
  const problems = report.hints;
  return (
    <section className="card">
      <h2>Host</h2>
      <p>
        {report.emulators.length ? `QEMU: ${report.emulators.map((e) => e.name).join(', ')}` : 'QEMU was not found.'} · accelerators usable:{' '}
        {report.accelerators.join(', ') || 'none'}
      </p>
      {problems.length > 0 && (
        <ul className="hint-list">
          {problems.map((h) => (
            <li key={h}>{h}</li>
          ))}
        </ul>
      )}
      <button type="button" className="btn btn-small" onClick={() => navigate({ page: 'health' })}>
        Open Health
      </button>
    </section>
  );
}
