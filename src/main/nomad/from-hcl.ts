// hcl2json's output for a Nomad job file -> the normalised job model, with the line of every block and
// key taken from the line index (locate.ts). Pure.
import { parseDuration } from '../../shared/duration';
import type { Leftover, NomadArtifact, NomadServiceCheck, NomadGroup, NomadJob, NomadNetwork, NomadPort, NomadTask, Where } from './job-model';
import type { LineIndex } from './locate';

type Body = Record<string, unknown>;

/** Thrown for a job file that parses as HCL but is not a Nomad job vmdesk can read. */
export class JobShapeError extends Error {
  constructor(
    message: string,
    readonly where?: Where,
  ) {
    super(message);
    this.name = 'JobShapeError';
  }
}

const isBody = (v: unknown): v is Body => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The bodies of an unlabelled block type (hcl2json: a list of bodies). */
function bodies(v: unknown): Body[] {
  if (Array.isArray(v)) return v.filter(isBody);
  return isBody(v) ? [v] : [];
}

/** The bodies of a labelled block type (hcl2json: { label: [body, ...] }), in file order per label. */
function labelled(v: unknown): Array<{ label: string; body: Body; occurrence: number }> {
  if (!isBody(v)) return [];
  const out: Array<{ label: string; body: Body; occurrence: number }> = [];
  for (const [label, list] of Object.entries(v)) bodies(list).forEach((body, occurrence) => out.push({ label, body, occurrence }));
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : undefined;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter((s): s is string => s !== undefined) : []);

/** Converts hcl2json output (plus the line index of the same text) into the job model. */
export function jobFromHcl(doc: Record<string, unknown>, lines: LineIndex): NomadJob {
  const at = (path: string): Where => {
    const line = lines.get(path);
    return line === undefined ? { path } : { path, line };
  };
  const jobs = labelled(doc.job);
  if (jobs.length === 0) throw new JobShapeError('no `job "NAME" { ... }` block found: is this a Nomad job file?');
  if (jobs.length > 1) {
    const second = jobs[1]!;
    throw new JobShapeError(
      `a job file holds one job; found ${jobs.length} (${jobs.map((j) => `"${j.label}"`).join(', ')})`,
      at(`job.${second.label}[${second.occurrence}]`),
    );
  }
  const { label: jobName, body: jobBody } = jobs[0]!;
  const jobPath = `job.${jobName}[0]`;
  const job: NomadJob = { id: str(jobBody.id) ?? jobName, name: jobName, format: 'hcl', groups: [], leftovers: [], where: at(jobPath) };

  for (const key of Object.keys(doc)) {
    if (key === 'job') continue;
    job.leftovers.push({ kind: key === 'variable' || key === 'locals' ? key : 'key', name: key, where: at(`${key}`) });
  }

  const JOB_IGNORED = new Set(['datacenters', 'type', 'region', 'namespace', 'priority', 'all_at_once', 'node_pool', 'id', 'name', 'group']);
  for (const [key, value] of Object.entries(jobBody)) {
    if (JOB_IGNORED.has(key)) continue;
    pushLeftovers(job.leftovers, key, value, `${jobPath}/`, at);
  }

  for (const g of labelled(jobBody.group)) {
    job.groups.push(groupFromHcl(g.label, g.body, `${jobPath}/group.${g.label}[${g.occurrence}]`, at));
  }
  if (job.groups.length === 0) throw new JobShapeError(`job "${jobName}" has no group`, job.where);
  // hcl2json sorts labels; put groups and tasks back in file order.
  job.groups.sort(byLine);
  for (const g of job.groups) g.tasks.sort(byLine);
  return job;
}

const byLine = (a: { where: Where }, b: { where: Where }) => (a.where.line ?? Infinity) - (b.where.line ?? Infinity);

function groupFromHcl(name: string, body: Body, path: string, at: (p: string) => Where): NomadGroup {
  const group: NomadGroup = { name, networks: [], tasks: [], leftovers: [], where: at(path) };
  const count = num(body.count);
  if (count !== undefined) group.count = count;
  bodies(body.network).forEach((n, i) => group.networks.push(networkFromHcl(n, `${path}/network[${i}]`, at)));
  for (const t of labelled(body.task)) group.tasks.push(taskFromHcl(t.label, t.body, `${path}/task.${t.label}[${t.occurrence}]`, at));
  const GROUP_HANDLED = new Set(['network', 'task', 'count', 'name']);
  for (const [key, value] of Object.entries(body)) {
    if (!GROUP_HANDLED.has(key)) pushLeftovers(group.leftovers, key, value, `${path}/`, at);
  }
  return group;
}

function networkFromHcl(body: Body, path: string, at: (p: string) => Where): NomadNetwork {
  const net: NomadNetwork = { ports: [], where: at(path) };
  const mode = str(body.mode);
  if (mode !== undefined) net.mode = mode;
  for (const p of labelled(body.port)) {
    const portPath = `${path}/port.${p.label}[${p.occurrence}]`;
    const port: NomadPort = { label: p.label, where: at(portPath) };
    const s = num(p.body.static);
    const to = num(p.body.to);
    if (s !== undefined) port.static = s;
    if (to !== undefined) port.to = to;
    net.ports.push(port);
  }
  const dns = bodies(body.dns)[0];
  if (dns) {
    net.dns = {
      servers: strings(dns.servers),
      searches: strings(dns.searches),
      options: strings(dns.options),
      where: at(`${path}/dns[0]`),
    };
  }
  return net;
}

function taskFromHcl(name: string, body: Body, path: string, at: (p: string) => Where): NomadTask {
  const configs = bodies(body.config);
  const config = configs[0] ?? {};
  const configPath = `${path}/config[0]`;
  const task: NomadTask = {
    name,
    driver: str(body.driver) ?? '',
    config,
    configWhere: Object.fromEntries(Object.keys(config).map((k) => [k, at(`${configPath}/=${k}`)])),
    resources: {},
    networks: [],
    artifacts: [],
    meta: {},
    leftovers: [],
    where: at(path),
  };
  // A key written as a block (`port_map { ... }`, `vnc { ... }`) has no `=` entry; use the block's line.
  for (const k of Object.keys(config)) {
    if (task.configWhere[k]?.line === undefined) task.configWhere[k] = at(`${configPath}/${k}[0]`);
  }
  const res = bodies(body.resources)[0];
  if (res) {
    const resPath = `${path}/resources[0]`;
    task.resources = { cpu: res.cpu, cores: res.cores, memory: res.memory, memoryMax: res.memory_max, where: at(resPath) };
    bodies(res.network).forEach((n, i) => task.networks.push(networkFromHcl(n, `${resPath}/network[${i}]`, at)));
    for (const key of Object.keys(res)) {
      if (!['cpu', 'cores', 'memory', 'memory_max', 'network'].includes(key)) {
        task.leftovers.push({ kind: 'key', name: `resources.${key}`, where: at(`${resPath}/=${key}`) });
      }
    }
  }
  if (body.kill_timeout !== undefined) {
    const raw = body.kill_timeout;
    task.killTimeout = { ms: typeof raw === 'string' ? parseDuration(raw) : undefined, raw, where: at(`${path}/=kill_timeout`) };
  }
  bodies(body.artifact).forEach((a, i) => {
    const artifact: NomadArtifact = { source: str(a.source) ?? '', options: {}, where: at(`${path}/artifact[${i}]`) };
    const dest = str(a.destination);
    const mode = str(a.mode);
    if (dest !== undefined) artifact.destination = dest;
    if (mode !== undefined) artifact.mode = mode;
    const options = bodies(a.options)[0] ?? {};
    for (const [k, v] of Object.entries(options)) {
      const s = str(v);
      if (s !== undefined) artifact.options[k] = s;
    }
    const headers = bodies(a.headers)[0];
    if (headers) artifact.headers = Object.fromEntries(Object.entries(headers).flatMap(([k, v]) => (str(v) !== undefined ? [[k, str(v)!]] : [])));
    task.artifacts.push(artifact);
  });
  for (const m of bodies(body.meta)) for (const [k, v] of Object.entries(m)) if (str(v) !== undefined) task.meta[k] = str(v)!;
  if (configs.length > 1) task.leftovers.push({ kind: 'duplicate-config', where: at(`${path}/config[1]`) });
  const TASK_HANDLED = new Set(['driver', 'config', 'resources', 'kill_timeout', 'artifact', 'meta', 'name']);
  for (const [key, value] of Object.entries(body)) {
    if (!TASK_HANDLED.has(key)) pushLeftovers(task.leftovers, key, value, `${path}/`, at);
  }
  return task;
}

// Blocks that carry a name worth showing: service name, template destination, constraint attribute.
function describe(kind: string, body: Body): { name?: string; detail?: string } {
  switch (kind) {
    case 'service':
      return str(body.name) !== undefined ? { name: str(body.name)! } : {};
    case 'check':
      return { ...(str(body.name) !== undefined ? { name: str(body.name)! } : {}), ...(str(body.type) ? { detail: str(body.type)! } : {}) };
    case 'template':
      return str(body.destination) !== undefined ? { detail: str(body.destination)! } : {};
    case 'constraint':
    case 'affinity': {
      const parts = [str(body.attribute), str(body.operator), str(body.value)].filter(Boolean);
      if (body.distinct_hosts !== undefined) parts.push(`distinct_hosts = ${String(body.distinct_hosts)}`);
      return parts.length ? { detail: parts.join(' ') } : {};
    }
    default:
      return {};
  }
}

// A service check's fields (map-checks.ts turns http/tcp/script checks into vmdesk test checks).
function serviceCheck(c: Body, service: Body): NomadServiceCheck {
  const out: NomadServiceCheck = {};
  for (const k of ['type', 'name', 'path', 'method', 'command'] as const) if (str(c[k]) !== undefined) out[k] = str(c[k])!;
  const port = str(c.port) ?? str(service.port);
  if (port !== undefined) out.port = port;
  if (Array.isArray(c.args)) out.args = c.args.filter((a): a is string => typeof a === 'string');
  return out;
}

// Block types whose occurrences are reported one by one; everything else is reported as a key.
const REPORTED_BLOCKS = new Set(['template', 'service', 'constraint', 'affinity', 'spread', 'volume', 'volume_mount', 'env', 'vault', 'restart', 'update', 'migrate', 'reschedule', 'scaling', 'lifecycle', 'logs', 'identity', 'consul', 'csi_plugin', 'dispatch_payload', 'ephemeral_disk', 'periodic', 'parameterized', 'multiregion', 'disconnect', 'secret', 'schedule', 'action', 'meta']);

function pushLeftovers(out: Leftover[], key: string, value: unknown, prefix: string, at: (p: string) => Where): void {
  if (REPORTED_BLOCKS.has(key) && Array.isArray(value) && value.every(isBody)) {
    (value as Body[]).forEach((body, i) => {
      const path = `${prefix}${key}[${i}]`;
      out.push({ kind: key, ...describe(key, body), where: at(path) });
      if (key === 'service') {
        bodies(body.check).forEach((c, j) => out.push({ kind: 'check', ...describe('check', c), check: serviceCheck(c, body), where: at(`${path}/check[${j}]`) }));
      }
    });
    return;
  }
  if (REPORTED_BLOCKS.has(key) && isBody(value) && key !== 'meta' && key !== 'env') {
    // A labelled block (volume "x" { ... }).
    for (const l of labelled(value)) out.push({ kind: key, name: l.label, where: at(`${prefix}${key}.${l.label}[${l.occurrence}]`) });
    return;
  }
  const attr = at(`${prefix}=${key}`);
  out.push({ kind: key === 'meta' || key === 'env' ? key : 'key', name: key, where: attr.line === undefined ? at(`${prefix}${key}[0]`) : attr });
}
