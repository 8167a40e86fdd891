// The normalised Nomad job: what the importer reads from HCL2 or API JSON, and what the exporter writes.
// Only the parts vmdesk maps are modelled; everything else is kept as a Leftover so it can be reported.

/** Where something is in the job file: a path (block path for HCL, JSON path for API JSON) and a line when known. */
export interface Where {
  path: string;
  line?: number;
}

/** A port in a `network` block. */
export interface NomadPort {
  label: string;
  /** Fixed host port (`static`, API `ReservedPorts[].Value`). Absent: dynamic. */
  static?: number;
  /** Port inside the task's network (`to`); -1 means "the same as the host port". */
  to?: number;
  where: Where;
}

/** A `network` block (group level, or task level inside `resources`). */
export interface NomadNetwork {
  mode?: string;
  ports: NomadPort[];
  dns?: { servers: string[]; searches: string[]; options: string[]; where: Where };
  where: Where;
}

/** An `artifact` block. */
export interface NomadArtifact {
  source: string;
  destination?: string;
  mode?: string;
  options: Record<string, string>;
  /** HTTP headers for the download (`headers` block / GetterHeaders). */
  headers?: Record<string, string>;
  where: Where;
}

/** A service `check` block's fields that can become a vmdesk test check (map-checks.ts). */
export interface NomadServiceCheck {
  type?: string;
  name?: string;
  /** The check's port label, else its service's. */
  port?: string;
  path?: string;
  method?: string;
  command?: string;
  args?: string[];
}

/** Something in the job that vmdesk does not carry over (reported, one diagnostic each). */
export interface Leftover {
  /** template, service, check, constraint, affinity, spread, volume, env, ... or `key` for a plain key. */
  kind: string;
  /** The block's label or name, or the key's name. */
  name?: string;
  /** A short detail worth showing (a template's destination, a constraint's attribute). */
  detail?: string;
  /** For a service's `check`: what map-checks.ts may turn into a `vmdesk test` check. */
  check?: NomadServiceCheck;
  where: Where;
}

/** A `task` block. */
export interface NomadTask {
  name: string;
  driver: string;
  /** The driver `config` block as values (strings may hold `${...}` interpolations). */
  config: Record<string, unknown>;
  /** Where each config key is written. */
  configWhere: Record<string, Where>;
  resources: { cpu?: unknown; cores?: unknown; memory?: unknown; memoryMax?: unknown; where?: Where };
  /** Task-level networks (`resources { network { ... } }`, deprecated in Nomad since 0.12). */
  networks: NomadNetwork[];
  killTimeout?: { ms: number | undefined; raw: unknown; where: Where };
  artifacts: NomadArtifact[];
  meta: Record<string, string>;
  leftovers: Leftover[];
  where: Where;
}

/** A `group` block. */
export interface NomadGroup {
  name: string;
  count?: number;
  networks: NomadNetwork[];
  tasks: NomadTask[];
  leftovers: Leftover[];
  where: Where;
}

/** A whole job. */
export interface NomadJob {
  id: string;
  name: string;
  format: 'hcl' | 'json';
  /** The HCL source lines, for pointing at the line of a value inside a multi-line attribute. */
  sourceLines?: string[];
  groups: NomadGroup[];
  leftovers: Leftover[];
  where: Where;
}
