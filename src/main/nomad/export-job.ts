// Export: a vmdesk task -> a Nomad job that runs the same VM on a current Nomad (v1.11 / v2.0), as HCL2 or as
// API JSON. Pure. The port form is explained in vmdesk-net-args.ts and the README ("Nomad").
import { formatDuration } from '../../shared/duration';
import type { Artifact } from '../../shared/artifact';
import type { Task } from '../../shared/task';
import { META_DISPLAY, META_DISPOSABLE } from './map-job';
import { vmdeskNetworkArgs, vmdeskSmpArgs } from './vmdesk-net-args';
import { exportHardware } from './hardware-nomad';
import { exportChecks, type ExportService } from './export-checks';
import { META_CLOUD_INIT, cloudInitMetaValue } from './cloud-init-nomad';

/** Options of an export. */
export interface ExportOptions {
  /** Where Nomad downloads the image from; the image then lives in the task's `local/` directory. */
  artifactUrl?: string;
  /** Nomad datacenters (default ["*"]: every datacenter, Nomad 1.5 and later). */
  datacenters?: string[];
}

/** A string that is an HCL template on purpose (its `${...}` are Nomad runtime interpolations). */
class Template {
  constructor(readonly text: string) {}
}

/** One port of the exported group network. */
interface ExportPort {
  label: string;
  static?: number;
  to?: number;
}

/** The exported job, in a form both writers share. */
export interface ExportedJob {
  name: string;
  datacenters: string[];
  ports: ExportPort[];
  dns?: { servers: string[]; searches: string[] };
  killTimeoutMs: number;
  artifact?: { source: string; destination: string; mode?: 'file' };
  /** The task's own `artifacts`, written back as artifact blocks. */
  artifacts?: ExportArtifact[];
  /** More artifacts: the extra drives and the UEFI variable store (hardware-nomad.ts). */
  extraArtifacts?: Array<{ source: string; destination: string; mode?: 'file' }>;
  config: Array<[string, string | boolean | Array<string | Template>]>;
  resources: { memory: number; cores: number };
  meta: Record<string, string>;
  /** The task's http/port checks as Nomad services (export-checks.ts). */
  services?: ExportService[];
  /** Things the user should know about the exported job. */
  notes: string[];
}

/** One task artifact as an artifact block. */
export interface ExportArtifact {
  source: string;
  destination: string;
  mode?: string;
  options: Record<string, string>;
  headers: Record<string, string>;
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz|zip)$/i;
/** Nomad's client caps kill_timeout at its max_kill_timeout, 30s by default. */
const NOMAD_MAX_KILL_TIMEOUT_MS = 30_000;

function basename(p: string): string {
  return p.split('/').filter(Boolean).pop() ?? p;
}

/** A task artifact as Nomad writes it (mode only when not the default; archive = false as the string Nomad takes). */
function exportArtifact(a: Artifact): ExportArtifact {
  return {
    source: a.source,
    destination: a.destination,
    ...(a.mode !== 'any' ? { mode: a.mode } : {}),
    options: { ...(a.checksum ? { checksum: a.checksum } : {}), ...(a.archive ? {} : { archive: 'false' }) },
    headers: { ...a.headers },
  };
}

/** Builds the exported job from a normalised task. */
export function exportJob(task: Task, opts: ExportOptions = {}): ExportedJob {
  const notes: string[] = [];
  if (task.display === 'vnc') notes.push('display "vnc" is vmdesk\'s own: Nomad\'s qemu driver runs the guest with -nographic (the job keeps it in meta vmdesk_display for a round trip)');
  const checks = exportChecks(task);
  notes.push(...checks.notes);
  const c = task.config;
  let imagePath = c.image_path;
  let artifact: ExportedJob['artifact'];
  if (opts.artifactUrl) {
    imagePath = `local/${basename(c.image_path)}`;
    const urlPath = opts.artifactUrl.split(/[?#]/)[0] ?? '';
    artifact = ARCHIVE.test(urlPath)
      ? { source: opts.artifactUrl, destination: 'local' }
      : { source: opts.artifactUrl, destination: imagePath, mode: 'file' };
    if (ARCHIVE.test(urlPath)) notes.push(`the archive must hold the image as ${basename(c.image_path)} at its top level (Nomad unpacks it into local/)`);
  } else if (task.artifacts?.length) {
    // The task's artifacts bring the image, on Nomad as here.
  } else if (c.image_path.startsWith('/')) {
    notes.push(`image_path ${c.image_path} is absolute: on Nomad it must lie in the client's image_paths; give the image's URL (--artifact in the CLI, "Image URL" in the app) to ship it with the job`);
  } else {
    notes.push(`image_path ${c.image_path} is relative to the task directory: on Nomad the image must get there: give its URL (--artifact in the CLI, "Image URL" in the app)`);
  }

  const config: ExportedJob['config'] = [['image_path', imagePath]];
  if (c.emulator !== 'x86_64') config.push(['emulator', c.emulator]);
  if (c.machine_type !== 'pc') config.push(['machine_type', c.machine_type]);
  config.push(['accelerator', c.accelerator], ['drive_interface', c.drive_interface], ['graceful_shutdown', c.graceful_shutdown], ['guest_agent', c.guest_agent]);
  const generated = [...vmdeskNetworkArgs(task), ...vmdeskSmpArgs(task)].map((a) => (a.includes('${') ? new Template(a) : a));
  const hw = exportHardware(task, opts.artifactUrl);
  notes.push(...hw.notes);
  const ci = c.cloud_init;
  if (ci) {
    notes.push(`cloud_init: the whole block is kept in meta ${META_CLOUD_INIT} (JSON), so vmdesk import restores it; Nomad itself ignores it`);
    const refs = (['user_data', 'network_config'] as const).filter((k) => typeof ci[k] === 'object');
    if (refs.length) notes.push(`cloud_init: ${refs.map((k) => `${k} {file: ${(ci[k] as { file: string }).file}}`).join(', ')} kept as a file reference (relative to the task file): put the file beside the imported task file`);
  }
  config.push(['args', [...c.args, ...hw.args, ...generated]]);

  const ports: ExportPort[] = Object.entries(task.ports).map(([label, host]) => {
    const guest = c.port_map[label];
    return { label, ...(host !== 0 ? { static: host } : {}), ...(guest !== undefined ? { to: guest } : {}) };
  });
  if (task.kill_timeout_ms > NOMAD_MAX_KILL_TIMEOUT_MS) {
    notes.push(`kill_timeout ${formatDuration(task.kill_timeout_ms)} is above Nomad's default client max_kill_timeout (30s); the client caps it unless its operator raised the limit`);
  }
  if (task.dns.servers.length > 0) {
    notes.push('dns servers are written to the network block; like vmdesk, the exported QEMU arguments do not pass them to QEMU (see the README)');
  }
  return {
    name: task.name,
    datacenters: opts.datacenters ?? ['*'],
    ports,
    ...(task.dns.servers.length || task.dns.searches.length ? { dns: { servers: task.dns.servers, searches: task.dns.searches } } : {}),
    killTimeoutMs: task.kill_timeout_ms,
    ...(artifact ? { artifact } : {}),
    ...(task.artifacts?.length ? { artifacts: task.artifacts.map(exportArtifact) } : {}),
    ...(hw.artifacts.length ? { extraArtifacts: hw.artifacts } : {}),
    config,
    resources: { memory: task.resources.memory, cores: task.resources.cores },
    meta: {
      ...(task.disposable ? { [META_DISPOSABLE]: 'true' } : {}),
      ...(task.display === 'vnc' ? { [META_DISPLAY]: 'vnc' } : {}),
      ...(ci ? { [META_CLOUD_INIT]: cloudInitMetaValue(ci) } : {}),
    },
    ...(checks.services.length ? { services: checks.services } : {}),
    notes,
  };
}

// HCL2 quoted-string escapes: \n \r \t \" \\ and \uNNNN (hclsyntax spec, "Template Literals").
function escapeChar(ch: string): string {
  switch (ch) {
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default: {
      const code = ch.codePointAt(0)!;
      return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
    }
  }
}

/** An HCL string literal; `${` and `%{` are escaped unless the value is a Template (HCL2 spec, template literals). */
function hclString(v: string | Template): string {
  const raw = v instanceof Template ? v.text : v;
  let s = `"${[...raw].map(escapeChar).join('')}"`;
  // (A function replacement: in a replacement string, "$$" would mean one "$".)
  if (!(v instanceof Template)) s = s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
  return s;
}

function hclValue(v: string | boolean | number | Array<string | Template> | Template): string {
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[\n${v.map((x) => `          ${hclString(x)},`).join('\n')}\n        ]`;
  return hclString(v);
}

function attrs(indent: string, pairs: Array<[string, string]>): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(width)} = ${v}`);
}

/** The job as HCL2 text (parses with HashiCorp's parser; see the round-trip test). */
export function toHcl(job: ExportedJob, header: string): string {
  const L: string[] = [];
  for (const line of header.split('\n')) L.push(`# ${line}`.trimEnd());
  L.push(`job ${hclString(job.name)} {`);
  L.push(...attrs('  ', [['datacenters', `[${job.datacenters.map((d) => hclString(d)).join(', ')}]`], ['type', '"service"']]));
  L.push('', `  group ${hclString(job.name)} {`, '    count = 1', '', '    network {', '      mode = "host"');
  for (const p of job.ports) {
    const body: Array<[string, string]> = [];
    if (p.static !== undefined) body.push(['static', String(p.static)]);
    if (p.to !== undefined) body.push(['to', String(p.to)]);
    if (body.length === 0) L.push('', `      port ${hclString(p.label)} {}`);
    else L.push('', `      port ${hclString(p.label)} {`, ...attrs('        ', body), '      }');
  }
  if (job.dns) {
    L.push('', '      dns {');
    L.push(...attrs('        ', [['servers', `[${job.dns.servers.map((s) => hclString(s)).join(', ')}]`], ['searches', `[${job.dns.searches.map((s) => hclString(s)).join(', ')}]`]]));
    L.push('      }');
  }
  L.push('    }', '', `    task ${hclString(job.name)} {`);
  L.push(...attrs('      ', [['driver', '"qemu"'], ['kill_timeout', hclString(formatDuration(job.killTimeoutMs))]]));
  for (const art of [...(job.artifact ? [job.artifact] : []), ...(job.extraArtifacts ?? [])]) {
    const a: Array<[string, string]> = [['source', hclString(art.source)], ['destination', hclString(art.destination)]];
    if (art.mode) a.push(['mode', hclString(art.mode)]);
    L.push('', '      artifact {', ...attrs('        ', a), '      }');
  }
  for (const x of job.artifacts ?? []) {
    const a: Array<[string, string]> = [['source', hclString(x.source)], ['destination', hclString(x.destination)]];
    if (x.mode) a.push(['mode', hclString(x.mode)]);
    L.push('', '      artifact {', ...attrs('        ', a));
    for (const [block, map] of [['options', x.options], ['headers', x.headers]] as const) {
      const entries = Object.entries(map).map(([k, v]) => [/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : hclString(k), hclString(v)] as [string, string]);
      if (entries.length) L.push('', `        ${block} {`, ...attrs('          ', entries), '        }');
    }
    L.push('      }');
  }
  L.push('', '      config {');
  const scalars = job.config.filter(([k]) => k !== 'args').map(([k, v]) => [k, hclValue(v)] as [string, string]);
  L.push(...attrs('        ', scalars));
  const args = job.config.find(([k]) => k === 'args')?.[1] as Array<string | Template>;
  L.push(`        args = ${hclValue(args)}`);
  L.push('      }', '', '      resources {', ...attrs('        ', [['memory', String(job.resources.memory)], ['cores', String(job.resources.cores)]]), '      }');
  if (Object.keys(job.meta).length > 0) {
    L.push('', '      meta {', ...attrs('        ', Object.entries(job.meta).map(([k, v]) => [k, hclString(v)])), '      }');
  }
  for (const svc of job.services ?? []) {
    L.push('', '      service {', ...attrs('        ', [['name', hclString(svc.name)], ['port', hclString(svc.port)], ['provider', '"nomad"']]));
    for (const c of svc.checks) {
      const a: Array<[string, string]> = [['name', hclString(c.name)], ['type', hclString(c.type)]];
      if (c.path !== undefined) a.push(['path', hclString(c.path)]);
      if (c.method !== undefined) a.push(['method', hclString(c.method)]);
      a.push(['interval', hclString(formatDuration(c.intervalMs))], ['timeout', hclString(formatDuration(c.timeoutMs))]);
      L.push('', '        check {', ...attrs('          ', a), '        }');
    }
    L.push('      }');
  }
  L.push('    }', '  }', '}', '');
  return L.join('\n');
}

/** The job in Nomad's API JSON form (`{"Job": {...}}`, what POST /v1/jobs takes). */
export function toApiJson(job: ExportedJob, target: { namespace?: string; region?: string } = {}): { Job: Record<string, unknown> } {
  const plain = (v: string | boolean | Array<string | Template>) => (Array.isArray(v) ? v.map((x) => (x instanceof Template ? x.text : x)) : v);
  const network: Record<string, unknown> = {
    Mode: 'host',
    ReservedPorts: job.ports.filter((p) => p.static !== undefined).map((p) => ({ Label: p.label, Value: p.static, To: p.to ?? 0 })),
    DynamicPorts: job.ports.filter((p) => p.static === undefined).map((p) => ({ Label: p.label, Value: 0, To: p.to ?? 0 })),
  };
  if (job.dns) network.DNS = { Servers: job.dns.servers, Searches: job.dns.searches };
  const task: Record<string, unknown> = {
    Name: job.name,
    Driver: 'qemu',
    Config: Object.fromEntries(job.config.map(([k, v]) => [k, plain(v)])),
    Resources: { MemoryMB: job.resources.memory, Cores: job.resources.cores },
    KillTimeout: job.killTimeoutMs * 1_000_000,
  };
  const artifacts = [...(job.artifact ? [job.artifact] : []), ...(job.extraArtifacts ?? [])];
  if (artifacts.length > 0) {
    task.Artifacts = artifacts.map((a) => ({ GetterSource: a.source, RelativeDest: a.destination, ...(a.mode ? { GetterMode: a.mode } : {}) }));
  }
  if (job.artifacts?.length) {
    task.Artifacts = [
      ...((task.Artifacts as unknown[] | undefined) ?? []),
      ...job.artifacts.map((x) => ({
        GetterSource: x.source,
        RelativeDest: x.destination,
        ...(x.mode ? { GetterMode: x.mode } : {}),
        ...(Object.keys(x.options).length ? { GetterOptions: x.options } : {}),
        ...(Object.keys(x.headers).length ? { GetterHeaders: x.headers } : {}),
      })),
    ];
  }
  if (Object.keys(job.meta).length > 0) task.Meta = job.meta;
  if (job.services?.length) {
    task.Services = job.services.map((svc) => ({
      Name: svc.name,
      PortLabel: svc.port,
      Provider: 'nomad',
      Checks: svc.checks.map((c) => ({
        Name: c.name,
        Type: c.type,
        ...(c.path !== undefined ? { Path: c.path } : {}),
        ...(c.method !== undefined ? { Method: c.method } : {}),
        Interval: c.intervalMs * 1_000_000,
        Timeout: c.timeoutMs * 1_000_000,
      })),
    }));
  }
  return {
    Job: {
      ID: job.name,
      Name: job.name,
      Type: 'service',
      Datacenters: job.datacenters,
      ...(target.namespace ? { Namespace: target.namespace } : {}),
      ...(target.region ? { Region: target.region } : {}),
      TaskGroups: [{ Name: job.name, Count: 1, Networks: [network], Tasks: [task] }],
    },
  };
}
