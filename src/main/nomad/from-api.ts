// Nomad's API JSON (`{"Job": {...}}` as `nomad job run -output` and `nomad job inspect` print it, or the bare
// job) -> the normalised job model. Pure. JSON has no line numbers after parsing: diagnostics carry the
// JSON path instead (Job.TaskGroups[0].Tasks[1].Artifacts[0]).
import type { Leftover, NomadGroup, NomadJob, NomadNetwork, NomadPort, NomadTask } from './job-model';
import { JobShapeError } from './from-hcl';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** True when `doc` looks like API JSON (a `Job` wrapper or PascalCase job keys) rather than hcl2json output. */
export function looksLikeApiJson(doc: unknown): boolean {
  if (!isObj(doc)) return false;
  if (isObj(doc.Job)) return true;
  return 'TaskGroups' in doc || 'ID' in doc;
}

/** Converts API JSON into the job model. */
export function jobFromApiJson(doc: unknown): NomadJob {
  const wrapped = isObj(doc) && isObj(doc.Job);
  const j = wrapped ? (doc as Obj).Job : doc;
  const root = wrapped ? 'Job' : '';
  if (!isObj(j)) throw new JobShapeError('expected a Nomad job: {"Job": {...}} or the job object itself');
  const p = (s: string) => (root ? `${root}.${s}` : s);
  const name = str(j.Name) ?? str(j.ID);
  if (!name) throw new JobShapeError('the job has neither "ID" nor "Name"', { path: root || '(top)' });
  const job: NomadJob = { id: str(j.ID) ?? name, name, format: 'json', groups: [], leftovers: [], where: { path: root || '(top)' } };
  reportLists(job.leftovers, j, ['Constraints', 'Affinities', 'Spreads'], p(''));
  if (j.Periodic) job.leftovers.push({ kind: 'periodic', where: { path: p('Periodic') } });
  if (j.ParameterizedJob) job.leftovers.push({ kind: 'parameterized', where: { path: p('ParameterizedJob') } });
  const groups = list(j.TaskGroups);
  groups.forEach((g, i) => job.groups.push(groupFromApi(g, p(`TaskGroups[${i}]`))));
  if (job.groups.length === 0) throw new JobShapeError(`job "${name}" has no task group (TaskGroups is empty)`, job.where);
  return job;
}

const LIST_KINDS: Record<string, string> = {
  Constraints: 'constraint',
  Affinities: 'affinity',
  Spreads: 'spread',
  Templates: 'template',
  Services: 'service',
  VolumeMounts: 'volume_mount',
};

function reportLists(out: Leftover[], o: Obj, keys: string[], prefix: string): void {
  for (const key of keys) {
    list(o[key]).forEach((item, i) => {
      const path = `${prefix}${key}[${i}]`;
      const kind = LIST_KINDS[key] ?? key;
      const leftover: Leftover = { kind, where: { path } };
      if (kind === 'service' && str(item.Name)) leftover.name = str(item.Name)!;
      if (kind === 'template' && str(item.DestPath)) leftover.detail = str(item.DestPath)!;
      if (kind === 'constraint' || kind === 'affinity') {
        const parts = [str(item.LTarget), str(item.Operand), str(item.RTarget)].filter(Boolean);
        if (parts.length) leftover.detail = parts.join(' ');
      }
      out.push(leftover);
      if (kind === 'service') {
        list(item.Checks).forEach((c, k) => {
          const check: Leftover = { kind: 'check', where: { path: `${path}.Checks[${k}]` } };
          if (str(c.Name)) check.name = str(c.Name)!;
          if (str(c.Type)) check.detail = str(c.Type)!;
          check.check = {
            ...(str(c.Type) ? { type: str(c.Type)! } : {}),
            ...(str(c.Name) ? { name: str(c.Name)! } : {}),
            ...(str(c.PortLabel) || str(item.PortLabel) ? { port: (str(c.PortLabel) || str(item.PortLabel))! } : {}),
            ...(str(c.Path) ? { path: str(c.Path)! } : {}),
            ...(str(c.Method) ? { method: str(c.Method)! } : {}),
            ...(str(c.Command) ? { command: str(c.Command)! } : {}),
            ...(strings(c.Args).length ? { args: strings(c.Args) } : {}),
          };
          out.push(check);
        });
      }
    });
  }
}

function groupFromApi(g: Obj, path: string): NomadGroup {
  const name = str(g.Name) ?? '';
  const group: NomadGroup = { name, networks: [], tasks: [], leftovers: [], where: { path } };
  const count = num(g.Count);
  if (count !== undefined) group.count = count;
  list(g.Networks).forEach((n, i) => group.networks.push(networkFromApi(n, `${path}.Networks[${i}]`)));
  list(g.Tasks).forEach((t, i) => group.tasks.push(taskFromApi(t, `${path}.Tasks[${i}]`)));
  reportLists(group.leftovers, g, ['Constraints', 'Affinities', 'Spreads', 'Services'], `${path}.`);
  if (isObj(g.Volumes)) for (const v of Object.keys(g.Volumes)) group.leftovers.push({ kind: 'volume', name: v, where: { path: `${path}.Volumes.${v}` } });
  return group;
}

function networkFromApi(n: Obj, path: string): NomadNetwork {
  const net: NomadNetwork = { ports: [], where: { path } };
  const mode = str(n.Mode);
  if (mode) net.mode = mode;
  const add = (key: 'ReservedPorts' | 'DynamicPorts') =>
    list(n[key]).forEach((port, i) => {
      const p: NomadPort = { label: str(port.Label) ?? '', where: { path: `${path}.${key}[${i}]` } };
      const value = num(port.Value);
      // ReservedPorts carry the static host port; a DynamicPorts Value is what the scheduler picked (ignored).
      if (key === 'ReservedPorts' && value !== undefined) p.static = value;
      const to = num(port.To);
      if (to !== undefined && to !== 0) p.to = to;
      net.ports.push(p);
    });
  add('ReservedPorts');
  add('DynamicPorts');
  if (isObj(n.DNS)) {
    net.dns = {
      servers: strings(n.DNS.Servers),
      searches: strings(n.DNS.Searches),
      options: strings(n.DNS.Options),
      where: { path: `${path}.DNS` },
    };
  }
  return net;
}

function taskFromApi(t: Obj, path: string): NomadTask {
  const config = isObj(t.Config) ? t.Config : {};
  const task: NomadTask = {
    name: str(t.Name) ?? '',
    driver: str(t.Driver) ?? '',
    config,
    configWhere: Object.fromEntries(Object.keys(config).map((k) => [k, { path: `${path}.Config.${k}` }])),
    resources: {},
    networks: [],
    artifacts: [],
    meta: {},
    leftovers: [],
    where: { path },
  };
  const res = t.Resources;
  if (isObj(res)) {
    task.resources = { where: { path: `${path}.Resources` } };
    if (res.CPU !== undefined && res.CPU !== null) task.resources.cpu = res.CPU;
    if (res.Cores !== undefined && res.Cores !== null && res.Cores !== 0) task.resources.cores = res.Cores;
    if (res.MemoryMB !== undefined && res.MemoryMB !== null) task.resources.memory = res.MemoryMB;
    if (res.MemoryMaxMB !== undefined && res.MemoryMaxMB !== null && res.MemoryMaxMB !== 0) task.resources.memoryMax = res.MemoryMaxMB;
    list(res.Networks).forEach((n, i) => task.networks.push(networkFromApi(n, `${path}.Resources.Networks[${i}]`)));
  }
  if (t.KillTimeout !== undefined && t.KillTimeout !== null) {
    // The API carries durations as integer nanoseconds.
    const ns = num(t.KillTimeout);
    task.killTimeout = { ms: ns === undefined || ns < 0 ? undefined : Math.round(ns / 1e6), raw: t.KillTimeout, where: { path: `${path}.KillTimeout` } };
  }
  list(t.Artifacts).forEach((a, i) => {
    const artifact = { source: str(a.GetterSource) ?? '', options: {} as Record<string, string>, where: { path: `${path}.Artifacts[${i}]` } } as NomadTask['artifacts'][number];
    if (str(a.RelativeDest)) artifact.destination = str(a.RelativeDest)!;
    if (str(a.GetterMode)) artifact.mode = str(a.GetterMode)!;
    if (isObj(a.GetterOptions)) for (const [k, v] of Object.entries(a.GetterOptions)) if (typeof v === 'string') artifact.options[k] = v;
    if (isObj(a.GetterHeaders)) artifact.headers = Object.fromEntries(Object.entries(a.GetterHeaders).filter((e): e is [string, string] => typeof e[1] === 'string'));
    task.artifacts.push(artifact);
  });
  if (isObj(t.Meta)) for (const [k, v] of Object.entries(t.Meta)) if (typeof v === 'string') task.meta[k] = v;
  reportLists(task.leftovers, t, ['Templates', 'Services', 'Constraints', 'Affinities', 'VolumeMounts'], `${path}.`);
  if (isObj(t.Env) && Object.keys(t.Env).length > 0) task.leftovers.push({ kind: 'env', where: { path: `${path}.Env` } });
  if (isObj(t.Vault)) task.leftovers.push({ kind: 'vault', where: { path: `${path}.Vault` } });
  return task;
}
