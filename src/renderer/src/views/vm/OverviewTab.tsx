// Overview: the task's settings, the exact QEMU command line, forwarded ports as links, guest IPs, last exit.
import { useEffect, useState } from 'react';
import type { VmInfo } from '../../../../shared/vm';
import type { ErrorData } from '../../../../shared/errors';
import type { InvokeResult } from '../../../../shared/ipc-contract';
import type { PortForward } from '../../../../shared/plan';
import { call } from '../../api';
import { commandLine } from '../../lib/args';
import { formatDateTime } from '../../lib/format';
import type { TaskFileJson } from '../../lib/task-form';
import { hardwareRows } from '../../lib/hardware-form';
import { hintFor } from '../../lib/error-hints';
import { CopyButton } from '../../components/CopyButton';
import { reportError } from '../../stores/notices';
import { useVmEvents } from '../../stores/vm-events';
import { runWarnings } from '../../lib/run-warnings';
import type { VmEvent } from '../../../../shared/vm';

const NO_EVENTS: VmEvent[] = [];

type Interfaces = InvokeResult<'agentInterfaces'>;

/** The Overview tab. */
export function OverviewTab({ vm }: { vm: VmInfo }) {
  const [task, setTask] = useState<TaskFileJson | undefined>();
  const [taskError, setTaskError] = useState<ErrorData | undefined>();
  const [preview, setPreview] = useState<{ binary: string; argv: string[]; ports: PortForward[]; warnings: string[] } | undefined>();
  const [invalid, setInvalid] = useState<ErrorData | undefined>();
  const events = useVmEvents((s) => s.events[vm.name] ?? NO_EVENTS);
  const warnings = runWarnings(vm, events);

  useEffect(() => {
    let live = true;
    void call((a) => a.getTask({ name: vm.name })).then(async (r) => {
      if (!live) return;
      if (!r.ok) return setTaskError(r.error);
      setTask(r.value as TaskFileJson);
      // Validated in the VM's own folder, as its start would be.
      const v = await call((a) => a.validateTask({ task: r.value, name: vm.name }));
      if (!live) return;
      if (v.ok && v.value.ok) {
        setPreview(v.value);
        setInvalid(undefined);
      } else {
        setPreview(undefined);
        setInvalid(v.ok ? (v.value as { error: ErrorData }).error : v.error);
      }
    });
    return () => {
      live = false;
    };
  }, [vm.name, vm.taskFile]);

  // A running VM's own argv is the truth; a stopped one shows what the next start would run.
  const binary = vm.binary ?? preview?.binary;
  const argv = vm.argv ?? preview?.argv;
  const cmd = binary && argv ? commandLine(binary, argv) : undefined;
  // Paused is QEMU up with its forwards, only the CPUs frozen: what it shows is as current as for running.
  const running = vm.state === 'running' || vm.state === 'paused';
  // Running: the forwards as QEMU has them (automatic ports resolved). Otherwise: what the task asks for, or
  // (no valid task) the last run's, marked as such.
  const ports = running || !preview ? vm.ports : preview.ports;
  const lastRunPorts = !running && !preview;

  return (
    <div className="overview" data-testid="overview">
      {warnings.map((w) => (
        // The badge says running, but the guest never started: say so where the user looks first.
        <div key={w.type} className="inline-error" role="alert" data-testid={`run-warning-${w.type}`}>
          <strong>The guest did not boot</strong> ({formatDateTime(w.at)}): {w.message}
        </div>
      ))}
      {vm.logDisk && (
        // The log disk is full: the VM runs on, but its console log has a gap and its state waits in memory.
        <div className="inline-error" role="alert" data-testid="log-disk-full">
          <strong>Log disk full</strong> since {formatDateTime(vm.logDisk.since)}: {vm.logDisk.message}
        </div>
      )}
      <section className="card">
        <h2>Forwarded ports</h2>
        {ports.length === 0 ? (
          <p className="muted">No ports are forwarded. Add a port map in Edit to reach a service in the guest.</p>
        ) : (
          <table className="kv ports-table">
            <tbody>
              {ports.map((p) => (
                <tr key={p.label}>
                  <th>{p.label}</th>
                  <td>
                    {running && p.host !== 0 ? (
                      <button type="button" className="link" data-testid={`port-link-${p.label}`} onClick={() => void openPort(vm.name, p.label)}>
                        {portUrl(p)}
                      </button>
                    ) : (
                      <span className="muted">
                        {p.host === 0 ? 'automatic host port' : portUrl(p)}
                        {lastRunPorts && p.host !== 0 ? ' (last run)' : ''}
                      </span>
                    )}{' '}
                    <span className="muted">
                      → guest {p.guest} ({p.protocols.join('+')})
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {running && <GuestAddresses vm={vm} />}

      {vm.ssh && <SshAccess vm={vm} running={running} />}

      <LastExit vm={vm} />

      <section className="card">
        <div className="card-head">
          <h2>QEMU command line</h2>
          {cmd && <CopyButton text={() => cmd} />}
        </div>
        {cmd ? (
          <pre className="cmdline" data-testid="cmdline">
            {cmd}
          </pre>
        ) : (
          <p className="muted" data-testid="cmdline-missing">
            {invalid ? (
              <>
                The task is not valid, so there is no command line: <span data-testid="task-invalid">{invalid.message}</span> {hintFor(invalid)}
              </>
            ) : (
              'The command line appears once the task is valid.'
            )}
          </p>
        )}
        {preview && preview.warnings.length > 0 && (
          <ul className="warnings" data-testid="overview-warnings">
            {preview.warnings.map((w) => (
              <li key={w}>⚠ {w}</li>
            ))}
          </ul>
        )}
        {!vm.argv && cmd && <p className="muted small">This is what the next start runs (the port numbers are picked at start when automatic).</p>}
        {vm.argv && !running && <p className="muted small">This is the command line of the last run.</p>}
      </section>

      <section className="card">
        <h2>Task</h2>
        {taskError && (
          <div className="inline-error" role="alert">
            {taskError.message} {hintFor(taskError)}
          </div>
        )}
        {task && <TaskSummary task={task} file={vm.taskFile} />}
      </section>
    </div>
  );
}

function portUrl(p: PortForward): string {
  const host = p.bind === '0.0.0.0' || p.bind === '' ? '127.0.0.1' : p.bind.includes(':') ? `[${p.bind}]` : p.bind;
  return `http://${host}:${p.host}`;
}

async function openPort(name: string, label: string): Promise<void> {
  const r = await call((a) => a.openForwardedPort({ name, label }));
  if (!r.ok) reportError(`Could not open port "${label}"`, r.error);
}

function TaskSummary({ task, file }: { task: TaskFileJson; file?: string }) {
  const c = task.config ?? {};
  const rows: Array<[string, string]> = [
    ['Image', String(c.image_path ?? '')],
    ['Emulator', String(c.emulator ?? 'x86_64')],
    ['Machine', String(c.machine_type ?? 'pc')],
    ['Accelerator', String(c.accelerator ?? 'tcg')],
    ['Drive interface', String(c.drive_interface ?? 'ide')],
    ...hardwareRows(c),
    ['Memory', `${task.resources?.memory ?? 300} MiB`],
    ['Cores', String(task.resources?.cores ?? 1)],
    ['Graceful shutdown', `${c.graceful_shutdown ? 'yes' : 'no'}, kill timeout ${task.kill_timeout ?? '5s'}`],
    ['Guest agent', c.guest_agent ? 'yes' : 'no'],
    ['DNS', [...(task.dns?.servers ?? []), ...(task.dns?.searches ?? []).map((s) => `search ${s}`)].join(', ') || 'QEMU default'],
    ['Extra args', (c.args ?? []).join(' ') || 'none'],
    ['Disposable', task.disposable ? 'yes (runs on a throw-away overlay)' : 'no'],
  ];
  if (file) rows.push(['Task file', file]);
  return (
    <table className="kv" data-testid="task-summary">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{k === 'Image' || k === 'Task file' ? <code>{v}</code> : v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function GuestAddresses({ vm }: { vm: VmInfo }) {
  const [interfaces, setInterfaces] = useState<Interfaces | undefined>();
  const [error, setError] = useState<ErrorData | undefined>();
  const [loading, setLoading] = useState(false);
  const enabled = vm.agent !== 'disabled';
  const load = async () => {
    setLoading(true);
    const r = await call((a) => a.agentInterfaces({ name: vm.name }));
    setLoading(false);
    if (r.ok) {
      setInterfaces(r.value);
      setError(undefined);
    } else setError(r.error);
  };
  useEffect(() => {
    if (enabled) void load();
  }, [vm.name, vm.agent, enabled]);
  const addresses = (interfaces ?? []).filter((i) => i.name !== 'lo').flatMap((i) => i.addresses.map((a) => ({ ...a, iface: i.name })));
  return (
    <section className="card">
      <div className="card-head">
        <h2>Guest addresses</h2>
        {enabled && (
          <button type="button" className="btn btn-small" onClick={() => void load()} disabled={loading}>
            {loading ? 'Asking the agent…' : 'Refresh'}
          </button>
        )}
      </div>
      {!enabled && <p className="muted">The guest agent is off for this VM; turn on “Guest agent” in Edit to see the guest’s IP addresses.</p>}
      {enabled && error && (
        <p className="muted" role="status">
          {error.message} {hintFor(error)}
        </p>
      )}
      {enabled && !error && interfaces && addresses.length === 0 && <p className="muted">The agent reported no addresses yet.</p>}
      {addresses.length > 0 && (
        <table className="kv" data-testid="guest-addresses">
          <tbody>
            {addresses.map((a) => (
              <tr key={`${a.iface}-${a.address}`}>
                <th>{a.iface}</th>
                <td>
                  <code>
                    {a.address}/{a.prefix}
                  </code>{' '}
                  <span className="muted">{a.type}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function LastExit({ vm }: { vm: VmInfo }) {
  const exit = vm.lastExit;
  if (!exit && vm.state === 'defined') {
    return (
      <section className="card" data-testid="never-started">
        <h2>Never started</h2>
        <p className="muted">This VM is defined (its task file is saved) but has not run yet. Start it to see its console, logs and stats.</p>
      </section>
    );
  }
  if (!exit) return null;
  const how = [
    exit.code !== null ? `exit code ${exit.code}` : undefined,
    exit.signal ? `signal ${exit.signal}` : undefined,
    exit.shutdownReason ? `QEMU reason: ${exit.shutdownReason}` : undefined,
    exit.requested ? 'stopped by vmdesk' : 'not stopped by vmdesk',
    exit.stopStep && !exit.summary.includes(exit.stopStep) ? `last stop step: ${exit.stopStep}` : undefined,
  ].filter(Boolean);
  return (
    <section className={`card${vm.state === 'crashed' ? ' card-bad' : ''}`} data-testid="last-exit">
      <h2>Last exit</h2>
      <p>
        <strong data-testid="exit-summary">{exit.summary}</strong> <span className="muted">at {formatDateTime(exit.at)}</span>
      </p>
      <p className="muted">{how.join(' · ')}</p>
      {exit.stderrTail && (
        <>
          <h3>Last lines from QEMU</h3>
          <pre className="stderr-tail">{exit.stderrTail}</pre>
        </>
      )}
    </section>
  );
}

/** How to log in over SSH (a task with cloud_init): the exact command, to copy, or what is missing for it. */
function SshAccess({ vm, running }: { vm: VmInfo; running: boolean }) {
  const ssh = vm.ssh!;
  const command = ssh.command && ssh.command.length > 0 ? commandLine(ssh.command[0]!, ssh.command.slice(1)) : undefined;
  return (
    <section className="card" data-testid="ssh-access">
      <div className="card-head">
        <h2>SSH</h2>
        {running && command && <CopyButton text={() => command} />}
      </div>
      {!ssh.port ? (
        <p className="muted">
          No host port for the <code>{ssh.label}</code> label: add a port map <code>{ssh.label}</code> → guest 22 in Edit to log in over SSH.
        </p>
      ) : running && command ? (
        <>
          <pre className="cmdline" data-testid="ssh-command">
            {command}
          </pre>
          <p className="muted">
            As <code>{ssh.user}</code>
            {ssh.keyFile ? ' with the key vmdesk generated for this VM' : ' with your own key (the task lists its keys)'}; on a terminal: <code>vmdesk ssh {vm.name}</code>.
          </p>
        </>
      ) : (
        <p className="muted">
          Start the VM to log in as <code>{ssh.user}</code> over SSH (cloud-init adds the key on the first boot).
        </p>
      )}
    </section>
  );
}
