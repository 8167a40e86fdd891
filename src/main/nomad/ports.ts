// Nomad ports -> vmdesk `ports` (host side) and `port_map` (guest side). Pure.
//
// Nomad's words: a `port` in a `network` block has a host port (`static`, or dynamic when absent) and
// optionally `to`, the port the workload listens on (-1: the same as the host port). The qemu driver's
// `port_map { label = guest }` names the guest port. vmdesk's words: `ports.label` is the host port
// (0 = pick a free one at start) and `config.port_map.label` is the guest port; vmdesk forwards exactly
// the labels in port_map.
//
// For each label the importer takes: host = static ?? 0; guest = port_map[label], else `to` (> 0),
// else the static port when `to = -1`; no guest port = declared but not forwarded (as in Nomad, where
// only port_map labels get a hostfwd rule).
//
// Where this differs from what Nomad itself would do, a diagnostic says so: Nomad's qemu driver builds
// hostfwd rules only from task-level networks (`resources { network { ... } }`, drivers/qemu/driver.go
// StartTask) and ignores port_map for group network ports (hashicorp/nomad#10033, #12833), and it
// never reads `to`. vmdesk forwards what the job evidently asks for (DESIGN.md: "vmdesk always forwards
// what port_map names").
import type { Diagnostic } from './diagnostics';
import type { NomadNetwork, NomadPort } from './job-model';

/** What the importer decided about one task's ports. */
export interface PortDecision {
  /** Host port per label; 0 means "pick a free port at start". */
  ports: Record<string, number>;
  /** Guest port per forwarded label. */
  portMap: Record<string, number>;
  /** `to` per label (for NOMAD_PORT_<label>, which Nomad sets to `to` when it is set). */
  to: Record<string, number>;
  /** The port block per label (for diagnostics). */
  where: Record<string, NomadPort['where']>;
  diagnostics: Diagnostic[];
}

/** Inputs for one qemu task. */
export interface PortInputs {
  task: string;
  groupNetworks: NomadNetwork[];
  taskNetworks: NomadNetwork[];
  /** The task's port_map, normalised to one map (already checked to be label -> number). */
  portMap: Record<string, number>;
  /** Labels that another task of the group names (its port_map, its `config.ports`, or its own strings). */
  claimedByOthers: ReadonlySet<string>;
  /** Labels this task names (port_map, `config.ports`, or its own strings). */
  claimed: ReadonlySet<string>;
  /** True when this is the group's only qemu task: it also gets the ports no task names. */
  soleQemuTask: boolean;
  /** The unreleased qemu `ports = [...]` key, when present: the labels it asks to forward. */
  listedPorts?: string[];
}

/** Decides host and guest ports for one qemu task. */
export function decidePorts(input: PortInputs): PortDecision {
  const d: PortDecision = { ports: {}, portMap: {}, to: {}, where: {}, diagnostics: [] };
  const diag = (severity: Diagnostic['severity'], message: string, port?: NomadPort) =>
    d.diagnostics.push({
      severity,
      kind: 'port',
      message,
      task: input.task,
      ...(port?.where.line !== undefined ? { line: port.where.line } : {}),
      ...(port ? { path: port.where.path } : {}),
    });

  const fromTask = new Set<string>();
  const all: NomadPort[] = [];
  for (const [networks, isTask] of [[input.taskNetworks, true], [input.groupNetworks, false]] as const) {
    for (const net of networks) {
      for (const port of net.ports) {
        if (d.where[port.label]) {
          diag('error', `port label "${port.label}" is declared twice; Nomad refuses duplicate port labels`, port);
          continue;
        }
        d.where[port.label] = port.where;
        if (isTask) fromTask.add(port.label);
        all.push(port);
      }
    }
  }

  for (const port of all) {
    const label = port.label;
    const wanted = input.claimed.has(label);
    if (!fromTask.has(label) && !wanted) {
      if (input.claimedByOthers.has(label)) {
        diag('info', `port "${label}" belongs to another task of the group; not given to this VM`, port);
        continue;
      }
      if (!input.soleQemuTask) {
        diag('info', `port "${label}" is named by no task of the group (port_map, ports or \${NOMAD_PORT_${label}}), and the group has several qemu tasks; not given to this VM`, port);
        continue;
      }
    }
    const host = port.static ?? 0;
    d.ports[label] = host;
    if (port.to !== undefined && port.to > 0) d.to[label] = port.to;

    const mapped = input.portMap[label];
    if (mapped !== undefined) {
      d.portMap[label] = mapped;
      if (port.to !== undefined && port.to > 0 && port.to !== mapped) {
        diag('warning', `port "${label}": port_map says guest port ${mapped} but "to" says ${port.to}; vmdesk uses port_map (${mapped})`, port);
      }
      if (!fromTask.has(label)) {
        diag('info', `port "${label}": Nomad's qemu driver ignores port_map for group network ports (hashicorp/nomad#10033); vmdesk forwards host ${hostText(host)} to guest ${mapped}`, port);
      }
    } else if (port.to !== undefined && port.to > 0) {
      d.portMap[label] = port.to;
      diag('info', `port "${label}": forwarded from host ${hostText(host)} to guest port ${port.to} (from "to"; Nomad's released qemu driver does not read "to")`, port);
    } else if (port.to === -1 && port.static !== undefined) {
      d.portMap[label] = port.static;
      diag('info', `port "${label}": "to = -1" maps to the same port; forwarded from host ${port.static} to guest ${port.static}`, port);
    } else if (port.to === -1) {
      diag('info', `port "${label}": "to = -1" on a dynamic port means "the host port picked at start"; vmdesk cannot forward to a guest port it does not know, so it only reserves the host port`, port);
    }
  }

  for (const label of Object.keys(input.portMap)) {
    if (!(label in d.where)) {
      d.diagnostics.push({
        severity: 'error',
        kind: 'port',
        message: `Unknown port label "${label}": port_map names a label that no network block declares (add port "${label}" {} to the group's network block)`,
        task: input.task,
      });
    }
  }
  for (const label of input.listedPorts ?? []) {
    if (!(label in d.where)) diag('warning', `config.ports names "${label}", which no network block declares; ignored`);
  }
  return d;
}

function hostText(host: number): string {
  return host === 0 ? 'a free port picked at start' : `port ${host}`;
}

/** The task's DNS settings from its networks (task-level first), with a diagnostic for what does not map. */
export function decideDns(
  task: string,
  networks: NomadNetwork[],
): { dns?: { servers: string[]; searches: string[] }; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const withDns = networks.find((n) => n.dns);
  if (!withDns?.dns) return { diagnostics };
  const { servers, searches, options, where } = withDns.dns;
  const at = { ...(where.line !== undefined ? { line: where.line } : {}), path: where.path };
  if (options.length > 0) {
    diagnostics.push({ severity: 'warning', kind: 'dns', message: `dns options (${options.join(', ')}) have no QEMU user-network equivalent; not carried over`, task, ...at });
  }
  return { dns: { servers, searches }, diagnostics };
}
