// One row of the VM list: name, state, uptime, forwarded ports, sparkline, start/stop.
import type { VmInfo } from '../../../shared/vm';
import { StateBadge } from './StateBadge';
import { Sparkline } from './Sparkline';
import { currentUptimeMs, formatUptime } from '../lib/format';
import { isActive, useVms } from '../stores/vms';

const EMPTY: never[] = [];

/** The row; `selected` marks the VM shown in the main area. */
export function VmListItem({ vm, selected, now, onSelect }: { vm: VmInfo; selected: boolean; now: number; onSelect: () => void }) {
  const samples = useVms((s) => s.stats[vm.name] ?? EMPTY);
  const pending = useVms((s) => s.pending[vm.name]);
  const run = useVms((s) => s.run);
  const active = isActive(vm);
  const uptime = vm.state === 'running' || vm.state === 'paused' ? formatUptime(currentUptimeMs(vm.startedAt, vm.uptimeMs, now)) : undefined;
  // Host ports are shown while running (automatic ones are only known then).
  const ports = vm.state === 'running' || vm.state === 'paused' ? vm.ports.map((p) => `${p.host}→${p.guest}`).join(', ') : '';
  return (
    <li className={`vm-item${selected ? ' selected' : ''}`} data-testid="vm-item" data-name={vm.name}>
      <button type="button" className="vm-item-main" onClick={onSelect} aria-current={selected ? 'page' : undefined}>
        <span className="vm-item-top">
          <span className="vm-name">{vm.name}</span>
          <StateBadge state={vm.state} />
        </span>
        <span className="vm-item-meta">
          {uptime && <span title="uptime">{uptime}</span>}
          {ports && <span className="vm-item-ports" title="forwarded ports (host→guest)">{ports}</span>}
          {!uptime && !ports && <span className="vm-item-ports">{vm.state === 'stopping' ? 'stopping…' : vm.state === 'starting' ? 'starting…' : vm.lastExit ? vm.lastExit.summary : 'never started'}</span>}
          {active && <Sparkline samples={samples} width={56} height={16} />}
        </span>
      </button>
      <span className="vm-item-side">
        <button
          type="button"
          className={`btn btn-small ${active ? '' : 'btn-primary'}`}
          disabled={Boolean(pending) || vm.state === 'stopping'}
          onClick={() => void run(vm.name, active ? 'stop' : 'start')}
          aria-label={`${active ? 'Stop' : 'Start'} ${vm.name}`}
          data-testid="list-start-stop"
        >
          {pending === 'start' ? 'Starting…' : pending === 'stop' ? 'Stopping…' : active ? 'Stop' : 'Start'}
        </button>
      </span>
    </li>
  );
}
