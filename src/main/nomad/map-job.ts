// The normalised Nomad job -> one vmdesk task file (JSON form, not yet validated) per qemu task, with one
// diagnostic per item that was changed or not carried over. Pure: everything that touches the world (the
// allocation id, free host ports, where files go) comes in through MapOptions.
import { formatDuration } from '../../shared/duration';
import { MEMORY_DEFAULT_MIB, VM_NAME_PATTERN } from '../../shared/limits';
import type { Diagnostic } from './diagnostics';
import { interpolate, mapStrings, portLabelsReferenced, stringsIn } from './interpolate';
import type { Leftover, NomadGroup, NomadJob, NomadTask, Where } from './job-model';
import { decideDns, decidePorts } from './ports';
import { mapArtifacts } from './map-artifacts';
import { stripVmdeskArgs } from './vmdesk-net-args';
import { importHardware } from './hardware-nomad';
import { META_CLOUD_INIT, dropSeedDriveArgs, isExportedSeedArtifact, readCloudInitMeta } from './cloud-init-nomad';
import type { CheckSpec } from '../../shared/checks';
import { mapServiceCheck, uniqueCheckName } from './map-checks';

/** Nomad's qemu task options (the keys a task file's `config` accepts). */
export const QEMU_CONFIG_KEYS = [
  'image_path',
  'emulator',
  'machine_type',
  'accelerator',
  'drive_interface',
  'graceful_shutdown',
  'guest_agent',
  'args',
  'port_map',
] as const;

/** Task meta key an exported job uses to carry vmdesk's `disposable`. */
export const META_DISPOSABLE = 'vmdesk_disposable';
/** Task meta key an exported job uses to carry vmdesk's `display`. */
export const META_DISPLAY = 'vmdesk_display';

/** What the mapper needs from the outside world. */
export interface MapOptions {
  /** Absolute directory the task file of VM `name` will live in (the task's directory). */
  taskDir(name: string): string;
  /** A fresh id standing for NOMAD_ALLOC_ID. */
  allocId(): string;
  /** A concrete free host port for a dynamic port that the task's own strings refer to. */
  pickHostPort(label: string): number;
  /** The host address forwards bind to (driver config `port_bind_address`). */
  bindAddress: string;
  /** Import only these tasks (or this one): each a Nomad task name, `group/task`, or the vmdesk name it gets. */
  only?: string | readonly string[];
}

/** One qemu task, mapped. */
export interface MappedTask {
  /** The vmdesk VM name. */
  name: string;
  group: string;
  nomadTask: string;
  /** The task file (JSON form) to validate and write. */
  taskFile: Record<string, unknown>;
  /** Artifacts of the task (for the caller's image check). */
  artifactDestinations: string[];
  /** Where each task-file field came from, for turning a validation error into a line. */
  fieldWhere: Record<string, Where>;
  diagnostics: Diagnostic[];
}

/** The whole job, mapped. */
export interface MappedJob {
  job: NomadJob;
  tasks: MappedTask[];
  /** Job- and group-level diagnostics, and non-qemu tasks. */
  diagnostics: Diagnostic[];
}

const at = (w: Where | undefined) => (w ? { ...(w.line !== undefined ? { line: w.line } : {}), path: w.path } : {});

/** A valid, unique vmdesk name for a Nomad task. */
function vmName(group: string, task: string, taken: Set<string>): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 63) || 'vm';
  const candidates = [clean(task), clean(`${group}-${task}`)];
  for (const c of candidates) if (VM_NAME_PATTERN.test(c) && !taken.has(c)) return c;
  for (let i = 2; ; i++) {
    const c = `${candidates[1]!.slice(0, 58)}-${i}`;
    if (!taken.has(c)) return c;
  }
}

/** Maps every qemu task of the job (or only the one asked for). */
export function mapJob(job: NomadJob, opts: MapOptions): MappedJob {
  const result: MappedJob = { job, tasks: [], diagnostics: [] };
  for (const l of job.leftovers) result.diagnostics.push(leftoverDiagnostic(l));
  const taken = new Set<string>();
  const wanted = opts.only === undefined ? undefined : typeof opts.only === 'string' ? [opts.only] : opts.only;
  const matched = new Set<string>();
  for (const group of job.groups) {
    const claims = new Map(group.tasks.map((t) => [t, labelsNamedBy(t)]));
    const qemuTasks = group.tasks.filter((t) => t.driver === 'qemu');
    for (const t of group.tasks) {
      if (t.driver === 'qemu') continue;
      result.diagnostics.push({
        severity: 'warning',
        kind: 'non-qemu-task',
        message: `task "${t.name}" uses driver "${t.driver || '(none)'}"; vmdesk runs qemu tasks only, so it is not imported`,
        task: t.name,
        ...at(t.where),
      });
    }
    if (qemuTasks.length === 0) continue;
    // A group's service checks go to its only qemu task (mapTask); with several they are reported here.
    for (const l of group.leftovers) if (!(qemuTasks.length === 1 && isMappableCheck(l))) result.diagnostics.push(leftoverDiagnostic(l));
    if (group.count !== undefined && group.count > 1) {
      result.diagnostics.push({
        severity: 'info',
        kind: 'not-applicable',
        message: `group "${group.name}" has count = ${group.count}; vmdesk runs one VM per task`,
        ...at(group.where),
      });
    }
    for (const t of qemuTasks) {
      const name = vmName(group.name, t.name, taken);
      const hits = wanted ? [t.name, `${group.name}/${t.name}`, name].filter((n) => wanted.includes(n)) : [];
      taken.add(name);
      if (wanted && hits.length === 0) continue;
      for (const h of hits) matched.add(h);
      const others = new Set(group.tasks.filter((o) => o !== t).flatMap((o) => [...claims.get(o)!]));
      result.tasks.push(mapTask(group, t, name, { mine: claims.get(t)!, others, sole: qemuTasks.length === 1 }, opts, job));
    }
  }
  for (const missing of (wanted ?? []).filter((w) => !matched.has(w))) {
    const names = job.groups.flatMap((g) => g.tasks.filter((t) => t.driver === 'qemu').map((t) => `${g.name}/${t.name}`));
    result.diagnostics.push({
      severity: 'error',
      kind: 'not-found',
      message: `no qemu task "${missing}" in job "${job.name}"${names.length ? `; qemu tasks are: ${names.join(', ')}` : ''}`,
    });
  }
  return result;
}

/** A service check with the fields map-checks.ts reads. */
function isMappableCheck(l: Leftover): boolean {
  return l.kind === 'check' && l.check !== undefined;
}

function leftoverDiagnostic(l: Leftover, task?: string): Diagnostic {
  const what = l.name ? `${l.kind} "${l.name}"` : l.kind;
  const detail = l.detail ? ` (${l.detail})` : '';
  const base = { severity: 'warning' as const, task, ...at(l.where) };
  switch (l.kind) {
    case 'template':
      return { ...base, kind: 'template', message: `template${detail}: vmdesk does not render templates; create the file yourself if the VM needs it` };
    case 'service':
      return { ...base, kind: 'service', message: `${what}: service registration (Consul/Nomad services) is not carried over` };
    case 'check':
      return { ...base, kind: 'check', message: `check${l.name ? ` "${l.name}"` : ''}${detail}: health checks are not carried over` };
    case 'constraint':
    case 'affinity':
    case 'spread':
      return { ...base, kind: 'constraint', message: `${l.kind}${detail}: placement rules have no meaning on one machine; ignored` };
    case 'key':
      return { ...base, kind: 'unsupported', message: `"${l.name}" is not carried over` };
    case 'variable':
    case 'locals':
      return { ...base, kind: 'unsupported', message: `${l.kind} blocks are not evaluated; their references stay as written and are reported` };
    default:
      return { ...base, kind: 'unsupported', message: `${what}${detail}: not carried over` };
  }
}

/** The port labels a task names: its port_map, its `config.ports`, and ${NOMAD_*_<label>} in its config strings. */
function labelsNamedBy(t: NomadTask): Set<string> {
  const labels = new Set<string>(Object.keys(normalisePortMap(t.config.port_map) ?? {}));
  if (Array.isArray(t.config.ports)) for (const p of t.config.ports) if (typeof p === 'string') labels.add(p);
  for (const l of stringsIn(t.config).flatMap(portLabelsReferenced)) labels.add(l);
  return labels;
}

interface Claims {
  mine: ReadonlySet<string>;
  others: ReadonlySet<string>;
  sole: boolean;
}

// The line at or after `where` (within an attribute's extent, 200 lines at most) whose text holds `text`.
function lineOfText(lines: string[] | undefined, where: Where | undefined, text: string): Where | undefined {
  if (!lines || where?.line === undefined) return where;
  for (let i = where.line - 1; i < Math.min(lines.length, where.line - 1 + 200); i++) {
    if (lines[i]!.includes(text)) return { ...where, line: i + 1 };
  }
  return where;
}

function mapTask(group: NomadGroup, t: NomadTask, name: string, claims: Claims, opts: MapOptions, job: NomadJob): MappedTask {
  const { format, sourceLines } = job;
  const diagnostics: Diagnostic[] = [];
  const task = t.name;
  const diag = (severity: Diagnostic['severity'], kind: string, message: string, where?: Where, extra: Partial<Diagnostic> = {}) =>
    diagnostics.push({ severity, kind, message, task, ...at(where), ...extra });
  const fieldWhere: Record<string, Where> = { name: t.where };
  if (name !== t.name) diag('info', 'renamed', `VM name "${name}" (a vmdesk name is 1-63 lower-case letters, digits, ".", "_", "-" and unique in the job)`, t.where);

  // config: Nomad's qemu options are copied; anything else is reported and dropped.
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(t.config)) {
    if ((QEMU_CONFIG_KEYS as readonly string[]).includes(key)) {
      config[key] = value;
      fieldWhere[`config.${key}`] = t.configWhere[key]!;
    } else {
      const extra = key === 'ports' || key === 'vnc' ? ' (a key from an unreleased qemu driver branch)' : '';
      diag('warning', 'unknown-key', `config.${key}: not an option of Nomad's qemu driver${extra}; Nomad refuses it ("An argument named "${key}" is not expected here"), vmdesk drops it`, t.configWhere[key]);
    }
  }
  const portMap = normalisePortMap(config.port_map);
  if (portMap) config.port_map = portMap;

  // resources
  const resources: Record<string, unknown> = {};
  if (t.resources.memory !== undefined) resources.memory = t.resources.memory;
  if (t.resources.cores !== undefined) resources.cores = t.resources.cores;
  if (t.resources.where) fieldWhere['resources.memory'] = fieldWhere['resources.cores'] = t.resources.where;
  if (t.resources.cpu !== undefined) {
    diag('info', 'not-applicable', `resources.cpu = ${String(t.resources.cpu)} (MHz of CPU shares) has no local meaning; not applicable (resources.cores sets vCPUs)`, t.resources.where);
  }
  if (t.resources.memoryMax !== undefined) {
    diag('info', 'not-applicable', `resources.memory_max = ${String(t.resources.memoryMax)}: QEMU gets a fixed memory size; not applicable`, t.resources.where);
  }

  // ports and DNS
  const listed = Array.isArray(t.config.ports) ? t.config.ports.filter((p): p is string => typeof p === 'string') : undefined;
  const ports = decidePorts({
    task,
    groupNetworks: group.networks,
    taskNetworks: t.networks,
    portMap: portMap ?? {},
    claimedByOthers: claims.others,
    claimed: claims.mine,
    soleQemuTask: claims.sole,
    ...(listed ? { listedPorts: listed } : {}),
  });
  diagnostics.push(...ports.diagnostics);
  for (const [label, where] of Object.entries(ports.where)) fieldWhere[`ports.${label}`] = where;
  for (const net of [...t.networks, ...group.networks]) {
    if (net.mode && net.mode !== 'host') {
      diag('info', 'network', `network mode "${net.mode}": vmdesk uses QEMU's user network; forwards listen on ${opts.bindAddress}`, net.where);
    }
  }
  const dns = decideDns(task, [...t.networks, ...group.networks]);
  diagnostics.push(...dns.diagnostics);

  // cloud_init from an exported job's meta (cloud-init-nomad.ts): restored, and then the seed drive and artifact
  // export wrote for it are vmdesk's to build again, so they are dropped.
  const ciRaw = t.meta[META_CLOUD_INIT];
  const ci = ciRaw === undefined ? undefined : readCloudInitMeta(ciRaw, format === 'hcl');
  if (ci && !ci.ok) diag('error', 'invalid', ci.message, t.where);
  let artifactsIn = t.artifacts;
  if (ci?.ok) {
    fieldWhere['config.cloud_init'] = t.where;
    const dropped: string[] = [];
    if (Array.isArray(config.args) && config.args.every((a) => typeof a === 'string')) {
      const s = dropSeedDriveArgs(config.args as string[]);
      config.args = s.args;
      if (s.dropped) dropped.push('the seed -drive arg');
    }
    const seedArtifacts = t.artifacts.filter(isExportedSeedArtifact);
    if (seedArtifacts.length === 1) {
      artifactsIn = t.artifacts.filter((a) => a !== seedArtifacts[0]);
      dropped.push(`the seed artifact ${seedArtifacts[0]!.source}`);
    }
    diag('info', 'cloud-init', `cloud_init restored from meta ${META_CLOUD_INIT}${dropped.length ? `; dropped ${dropped.join(' and ')} (vmdesk builds the seed itself at each start)` : ''}`, t.where);
  }

  // vmdesk's own forwarding arguments (from an exported job) are dropped: vmdesk derives them again.
  const cores = typeof t.resources.cores === 'number' ? t.resources.cores : undefined;
  if (Array.isArray(config.args) && config.args.every((a) => typeof a === 'string')) {
    const s = stripVmdeskArgs(config.args as string[], cores);
    // Firmware, drive and boot args become task options (hardware-nomad.ts); what cannot is said.
    const hw = importHardware(s.args);
    config.args = hw.args;
    Object.assign(config, hw.config);
    for (const n of hw.notes) diag(n.severity, 'hardware', n.message, fieldWhere['config.args'] ?? t.where);
  }

  // Dynamic ports that the task's own strings name get a fixed host port: a string cannot follow a port
  // picked at start.
  for (const label of new Set(stringsIn(config).flatMap(portLabelsReferenced))) {
    if (ports.ports[label] === 0) {
      const port = opts.pickHostPort(label);
      ports.ports[label] = port;
      diag('warning', 'port', `port "${label}" is dynamic but the config refers to it (\${NOMAD_PORT_${label}} or similar); vmdesk fixed it to host port ${port} (edit ports.${label} to change)`, ports.where[label]);
    }
  }

  // Interpolation of every config string.
  const taskDir = opts.taskDir(name);
  const rawMemory = t.resources.memory;
  const memory =
    rawMemory === undefined ? MEMORY_DEFAULT_MIB : typeof rawMemory === 'number' ? rawMemory : typeof rawMemory === 'string' && /^\d+$/.test(rawMemory) ? Number(rawMemory) : undefined;
  let allocId: string | undefined;
  const resolve = (v: string): string | undefined => {
    if (v === 'NOMAD_TASK_NAME') return name;
    if (v === 'NOMAD_ALLOC_ID') return (allocId ??= opts.allocId());
    if (v === 'NOMAD_ALLOC_DIR') return `${taskDir}/alloc`;
    if (v === 'NOMAD_TASK_DIR') return `${taskDir}/local`;
    if (v === 'NOMAD_MEMORY_LIMIT') return memory === undefined ? undefined : String(memory);
    const m = /^NOMAD_(HOST_PORT|PORT|IP|HOST_IP|ADDR|HOST_ADDR)_(.+)$/.exec(v);
    if (m && m[2]! in ports.ports) {
      const label = m[2]!;
      const host = ports.ports[label]!;
      if (host === 0) return undefined;
      switch (m[1]) {
        case 'HOST_PORT':
          return String(host);
        case 'PORT':
          return String(ports.to[label] ?? host);
        case 'IP':
        case 'HOST_IP':
          return opts.bindAddress;
        default:
          return `${opts.bindAddress.includes(':') ? `[${opts.bindAddress}]` : opts.bindAddress}:${host}`;
      }
    }
    return undefined;
  };
  const resolvedNames = new Set<string>();
  const unresolved = new Map<string, string>();
  for (const key of Object.keys(config)) {
    config[key] = mapStrings(config[key], (s) => {
      const r = interpolate(
        s,
        (v) => {
          const value = resolve(v);
          if (value !== undefined) resolvedNames.add(v);
          return value;
        },
        { hcl: format === 'hcl' },
      );
      for (const u of r.unresolved) if (!unresolved.has(u)) unresolved.set(u, key);
      return r.value;
    });
  }
  if (resolvedNames.size > 0) {
    diag('info', 'interpolation', `resolved ${[...resolvedNames].sort().map((v) => `\${${v}}`).join(', ')} to local values${allocId ? ` (NOMAD_ALLOC_ID = ${allocId}, generated for this import)` : ''}`);
  }
  for (const [expr, key] of unresolved) {
    diag('warning', 'interpolation', `${expr} in config.${key} has no local value; kept as written`, lineOfText(sourceLines, t.configWhere[key], expr));
  }

  // Forwards written into args by hand (hostfwd=tcp::PORT-:GUEST) listen on every interface in QEMU; bind them
  // where vmdesk binds its own (DESIGN.md: "forwards bind to 127.0.0.1 by default").
  if (Array.isArray(config.args)) {
    let rebound = 0;
    config.args = (config.args as unknown[]).map((a) =>
      typeof a === 'string'
        ? a.replace(/hostfwd=(tcp|udp)?::/g, (_m, proto: string | undefined) => {
            rebound++;
            return `hostfwd=${proto ?? 'tcp'}:${opts.bindAddress}:`;
          })
        : a,
    );
    if (rebound > 0) diag('info', 'port', `${rebound} hostfwd rule(s) in args listened on every interface; they now bind to ${opts.bindAddress}`, t.configWhere.args);
  }

  // Artifacts: carried over as the task option `artifacts` (map-artifacts.ts); vmdesk fetches them at start.
  const mapped = mapArtifacts(artifactsIn, diag);
  const artifactDestinations = mapped.destinations;

  // kill_timeout
  let killTimeout: string | undefined;
  if (t.killTimeout) {
    if (t.killTimeout.ms === undefined) {
      diag('error', 'invalid', `kill_timeout ${JSON.stringify(t.killTimeout.raw)} is not a duration such as "30s"`, t.killTimeout.where);
    } else {
      killTimeout = formatDuration(t.killTimeout.ms);
      fieldWhere.kill_timeout = t.killTimeout.where;
    }
  }

  // meta: vmdesk's own key; the rest is reported.
  let disposable: boolean | undefined;
  let display: string | undefined;
  for (const [k, v] of Object.entries(t.meta)) {
    if (k === META_DISPOSABLE) disposable = v === 'true';
    else if (k === META_DISPLAY) display = String(v);
    else if (k === META_CLOUD_INIT) continue; // read above
    else diag('info', 'unsupported', `meta "${k}" is not carried over`, t.where);
  }

  // Service checks (the task's services, and the group's when this is its only qemu task) become `vmdesk test`
  // checks (map-checks.ts); the rest of each service is reported.
  const checks: CheckSpec[] = [];
  const takenChecks = new Set<string>();
  for (const l of [...t.leftovers, ...(claims.sole ? group.leftovers : [])]) {
    if (!isMappableCheck(l)) continue;
    const r = mapServiceCheck(l.check!, uniqueCheckName(l.check!.name, 'service check', takenChecks), Object.keys(ports.portMap));
    if (r.ok) {
      checks.push(r.check);
      diag('info', 'check', `check "${r.check.name}" (${l.check!.type}) is carried over as a vmdesk test check (run: vmdesk test ${name})`, l.where);
    } else {
      diag('warning', 'check', `check${l.name ? ` "${l.name}"` : ''}${l.detail ? ` (${l.detail})` : ''}: not carried over: ${r.reason}`, l.where);
    }
  }
  for (const l of t.leftovers) if (!isMappableCheck(l)) diagnostics.push(leftoverDiagnostic(l, task));

  // After interpolation: the block's text is the guest's, never a Nomad template.
  if (ci?.ok) config.cloud_init = ci.value;
  const taskFile: Record<string, unknown> = { name, config };
  if (Object.keys(resources).length > 0) taskFile.resources = resources;
  if (Object.keys(ports.ports).length > 0) taskFile.ports = ports.ports;
  // A malformed port_map stays as written, so validation names the bad entry.
  if (portMap || config.port_map === undefined) {
    if (Object.keys(ports.portMap).length > 0) config.port_map = ports.portMap;
    else delete config.port_map;
  }
  if (dns.dns) taskFile.dns = dns.dns;
  if (killTimeout !== undefined) taskFile.kill_timeout = killTimeout;
  if (disposable !== undefined) taskFile.disposable = disposable;
  if (display !== undefined) taskFile.display = display; // validated with the rest by parseTask
  if (mapped.artifacts.length > 0) taskFile.artifacts = mapped.artifacts;
  if (checks.length > 0) taskFile.checks = checks;
  return { name, group: group.name, nomadTask: t.name, taskFile, artifactDestinations, fieldWhere, diagnostics };
}

/** port_map in any of Nomad's forms (block, map attribute, list of maps) as one map; undefined if absent or malformed. */
export function normalisePortMap(value: unknown): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  const maps = Array.isArray(value) ? value : [value];
  const out: Record<string, number> = {};
  for (const m of maps) {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return undefined;
    for (const [k, v] of Object.entries(m)) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n)) return undefined;
      out[k] = n;
    }
  }
  return out;
}
