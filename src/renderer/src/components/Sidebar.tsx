// The left column: app name, New VM, the VM list, and links to Settings, Health, Nomad import and the shortcuts.
import { useUi, selectedVmName } from '../stores/ui';
import { sortedNames, useVms } from '../stores/vms';
import { VmListItem } from './VmListItem';
import { useNow } from './hooks';

/** The sidebar. */
export function Sidebar() {
  const vms = useVms((s) => s.vms);
  const loaded = useVms((s) => s.loaded);
  const route = useUi((s) => s.route);
  const navigate = useUi((s) => s.navigate);
  const openDialog = useUi((s) => s.openDialog);
  const now = useNow();
  const selected = selectedVmName(route);
  const names = sortedNames(vms);
  return (
    <nav className="sidebar" aria-label="Virtual machines">
      <div className="sidebar-head">
        <button type="button" className="brand" onClick={() => navigate({ page: 'home' })}>
          <span className="brand-mark" aria-hidden="true" />
          vmdesk
        </button>
        <button type="button" className="btn btn-primary btn-small" onClick={() => navigate({ page: 'create' })} title="New VM (Ctrl+N)" data-testid="new-vm">
          + New VM
        </button>
      </div>
      <ul className="vm-list" data-testid="vm-list">
        {names.map((name) => (
          <VmListItem key={name} vm={vms[name]!} selected={name === selected} now={now} onSelect={() => navigate({ page: 'vm', name })} />
        ))}
        {loaded && names.length === 0 && <li className="vm-list-empty">No VMs yet.</li>}
      </ul>
      <div className="sidebar-foot">
        <button type="button" className="nav-link nav-link-wide" onClick={() => openDialog({ kind: 'import-job' })} data-testid="import-job">
          Import Nomad job…
        </button>
        <button type="button" className={`nav-link${route.page === 'settings' ? ' active' : ''}`} onClick={() => navigate({ page: 'settings' })} title="Ctrl+,">
          Settings
        </button>
        <button type="button" className={`nav-link${route.page === 'health' ? ' active' : ''}`} onClick={() => navigate({ page: 'health' })} title="Ctrl+Shift+H">
          Health
        </button>
        <button type="button" className="nav-link" onClick={() => openDialog({ kind: 'help' })} title="F1">
          Shortcuts <kbd>F1</kbd>
        </button>
      </div>
    </nav>
  );
}
