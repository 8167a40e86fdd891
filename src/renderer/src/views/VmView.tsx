// One VM: header with state and actions, and the Overview / Console / Logs / Stats / Events / Display / Snapshots / Checks tabs.
import { useEffect, useRef } from 'react';
import { useUi, VM_TABS, type VmTab } from '../stores/ui';
import { isActive, useVms } from '../stores/vms';
import { useVmEvents } from '../stores/vm-events';
import { StateBadge } from '../components/StateBadge';
import { OverviewTab } from './vm/OverviewTab';
const ConsoleTab = lazyView(() => import('./vm/ConsoleTab'), 'ConsoleTab');
const LogsTab = lazyView(() => import('./vm/LogsTab'), 'LogsTab');
const StatsTab = lazyView(() => import('./vm/StatsTab'), 'StatsTab');
const EventsTab = lazyView(() => import('./vm/EventsTab'), 'EventsTab');
const DisplayTab = lazyView(() => import('./vm/DisplayTab'), 'DisplayTab');
const SnapshotsTab = lazyView(() => import('./vm/SnapshotsTab'), 'SnapshotsTab');
const SshTab = lazyView(() => import('./vm/SshTab'), 'SshTab');
const ChecksTab = lazyView(() => import('./vm/ChecksTab'), 'ChecksTab');
import { currentUptimeMs, formatUptime } from '../lib/format';
import { useNow } from '../components/hooks';
import { call } from '../api';
import { useDownloads } from '../stores/downloads';
import { DownloadProgress } from '../components/DownloadProgress';
import { lazyView } from '../lib/lazy-view';

const TAB_LABEL: Record<VmTab, string> = { overview: 'Overview', console: 'Console', logs: 'Logs', stats: 'Stats', events: 'Events', display: 'Display', snapshots: 'Snapshots', checks: 'Checks', ssh: 'SSH' };

/** The VM page. */
export function VmView({ name }: { name: string }) {
  const vm = useVms((s) => s.vms[name]);
  const tab = useUi((s) => s.tab);
  const setTab = useUi((s) => s.setTab);
  const loadEvents = useVmEvents((s) => s.load);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const headingRef = useRef<HTMLHeadingElement | null>(null);
  const now = useNow();
  const live = vm ? isActive(vm) : false;
  const download = useDownloads((s) => s.byName[name]);

  // Arriving here (after Save) or a Start/Stop button swapped for another: focus would fall to <body>;
  // keep it on the page, at its heading, so Tab moves on to the actions.
  useEffect(() => {
    const focused = document.activeElement;
    if (!focused || focused === document.body) headingRef.current?.focus();
  }, [name, live]);

  useEffect(() => {
    void loadEvents(name);
    void call((a) => a.vmStats({ name })).then((r) => r.ok && useVms.getState().addSamples(name, r.value));
  }, [name, loadEvents]);

  if (!vm) return <div className="page muted">No VM named “{name}”.</div>;

  const onTabKey = (e: React.KeyboardEvent) => {
    const i = (VM_TABS as readonly VmTab[]).indexOf(tab);
    const next = e.key === 'ArrowRight' ? (i + 1) % VM_TABS.length : e.key === 'ArrowLeft' ? (i + VM_TABS.length - 1) % VM_TABS.length : -1;
    if (next >= 0) {
      e.preventDefault();
      setTab(VM_TABS[next]!);
      tabRefs.current[VM_TABS[next]!]?.focus();
    }
  };

  return (
    <div className="page vm-page" data-testid="vm-view">
      <header className="vm-head">
        <div className="vm-title">
          <h1 ref={headingRef} tabIndex={-1}>
            {vm.name}
          </h1>
          <StateBadge state={vm.state} />
          {(vm.state === 'running' || vm.state === 'paused') && <span className="muted">up {formatUptime(currentUptimeMs(vm.startedAt, vm.uptimeMs, now))}</span>}
          {vm.disposable && <span className="tag">disposable</span>}
        </div>
        <VmActions name={name} />
      </header>
      {download && download.status !== 'done' && <DownloadProgress d={download} />}
      <div className="tabs" role="tablist" aria-label="VM views" onKeyDown={onTabKey}>
        {[...VM_TABS, ...(vm.ssh || tab === 'ssh' ? (['ssh'] as const) : [])].map((t, i) => (
          <button
            key={t}
            ref={(el) => {
              tabRefs.current[t] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            className={`tab${tab === t ? ' active' : ''}`}
            onClick={() => setTab(t)}
            title={i < VM_TABS.length ? `Ctrl+${i + 1}` : undefined}
          >
            {TAB_LABEL[t]}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'overview' && <OverviewTab vm={vm} />}
        {tab === 'console' && <ConsoleTab key={name} vm={vm} />}
        {tab === 'logs' && <LogsTab key={name} vm={vm} />}
        {tab === 'stats' && <StatsTab key={name} name={name} />}
        {tab === 'events' && <EventsTab name={name} />}
        {tab === 'display' && <DisplayTab key={name} vm={vm} />}
        {tab === 'snapshots' && <SnapshotsTab key={name} vm={vm} />}
        {tab === 'ssh' && <SshTab key={name} vm={vm} />}
        {tab === 'checks' && <ChecksTab key={name} vm={vm} />}
      </div>
    </div>
  );
}

/** Start, stop (graceful), force stop, pause/resume, reboot (in place), restart (new QEMU), edit, duplicate, Nomad (export / submit), delete. */
function VmActions({ name }: { name: string }) {
  const vm = useVms((s) => s.vms[name])!;
  const pending = useVms((s) => s.pending[name]);
  const run = useVms((s) => s.run);
  const navigate = useUi((s) => s.navigate);
  const openDialog = useUi((s) => s.openDialog);
  const active = isActive(vm);
  const busy = Boolean(pending);
  return (
    <div className="actions" role="toolbar" aria-label="VM actions">
      {!active && (
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run(name, 'start')} data-testid="action-start">
          {pending === 'start' ? <Spinner label="Starting…" /> : 'Start'}
        </button>
      )}
      {active && (
        <>
          <button type="button" className="btn" disabled={busy || vm.state === 'stopping'} onClick={() => void run(name, 'stop')} data-testid="action-stop" title="ACPI power button, then harder steps after the kill timeout">
            {pending === 'stop' || vm.state === 'stopping' ? <Spinner label="Stopping…" /> : 'Stop'}
          </button>
          <button type="button" className="btn btn-danger-outline" disabled={pending === 'force-stop'} onClick={() => openDialog({ kind: 'force-stop', name })} data-testid="action-force-stop" title="Kill QEMU now (asks first)">
            {pending === 'force-stop' ? <Spinner label="Killing…" /> : 'Force stop'}
          </button>
          {vm.state === 'paused' ? (
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run(name, 'resume')} data-testid="action-resume" title="Let the paused guest run again (QMP cont)">
              {pending === 'resume' ? <Spinner label="Resuming…" /> : 'Resume'}
            </button>
          ) : (
            <button type="button" className="btn" disabled={busy || vm.state !== 'running'} onClick={() => void run(name, 'pause')} data-testid="action-pause" title="Freeze the guest's CPUs; QEMU, its memory and its ports stay (QMP stop)">
              {pending === 'pause' ? <Spinner label="Pausing…" /> : 'Pause'}
            </button>
          )}
          <button type="button" className="btn" disabled={busy || (vm.state !== 'running' && vm.state !== 'paused')} onClick={() => void run(name, 'reboot')} data-testid="action-reboot" title="Reset the guest like a reset button, in the same QEMU process (QMP system_reset)">
            {pending === 'reboot' ? <Spinner label="Rebooting…" /> : 'Reboot'}
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => void run(name, 'restart')} data-testid="action-restart" title="Stop QEMU and start it again with the task as saved now">
            {pending === 'restart' ? <Spinner label="Restarting…" /> : 'Restart'}
          </button>
        </>
      )}
      {vm.ssh && vm.state === 'running' && (
        <button type="button" className="btn" onClick={() => useUi.getState().setTab('ssh')} data-testid="action-ssh" title="Open a terminal logged in to the VM over SSH (the VM's own key)">
          SSH
        </button>
      )}
      <span className="actions-sep" />
      <button type="button" className="btn" disabled={busy} onClick={() => navigate({ page: 'edit', name })} data-testid="action-edit">
        Edit
      </button>
      <button type="button" className="btn" disabled={busy} onClick={() => openDialog({ kind: 'duplicate', name })} data-testid="action-duplicate">
        Duplicate
      </button>
      <button type="button" className="btn" onClick={() => openDialog({ kind: 'nomad', name, tab: 'export' })} data-testid="action-nomad" title="Export as a Nomad job, or submit it to a Nomad cluster">
        Nomad…
      </button>
      <button type="button" className="btn btn-danger-outline" disabled={busy || active} onClick={() => openDialog({ kind: 'delete', name })} data-testid="action-delete" title={active ? 'Stop the VM before deleting it' : undefined}>
        Delete
      </button>
    </div>
  );
}

/** A small spinner with its text (the text is what screen readers get). */
export function Spinner({ label }: { label: string }) {
  return (
    <span className="spinner-wrap">
      <span className="spinner" aria-hidden="true" />
      {label}
    </span>
  );
}
