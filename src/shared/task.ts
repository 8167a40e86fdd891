// The task file: its schema (untrusted input, parsed strictly) and the normalised Task the driver plans.
// Keys inside `config` are exactly Nomad's qemu driver task options.
import { z } from 'zod';
import {
  ACCELERATORS,
  CORES_MAX,
  DRIVE_INTERFACES,
  KILL_TIMEOUT_DEFAULT_MS,
  KILL_TIMEOUT_MAX_MS,
  MEMORY_DEFAULT_MIB,
  MEMORY_MAX_MIB,
  MEMORY_MIN_MIB,
  VM_NAME_PATTERN,
} from './limits';
import { coercedBoolean, coercedInt, parseWith, strictObject } from './schema-helpers';
import { formatDuration, parseDuration } from './duration';
import { artifactSchema, artifactToFile, normaliseArtifact, type Artifact } from './artifact';
import { hardwareConfigShape, normaliseHardware, type HardwareConfig } from './hardware';
import { checksSchema, type CheckSpec } from './checks';
import { cloudInitSchema, normaliseCloudInit, type CloudInitConfig } from './cloud-init';

/** One of Nomad's drive interfaces. */
export type DriveInterface = (typeof DRIVE_INTERFACES)[number];
/** What a VM shows its screen on: nothing (the default, as Nomad) or a VNC server on a unix socket. */
export const DISPLAY_TYPES = ['none', 'vnc'] as const;
/** One of DISPLAY_TYPES. */
export type DisplayType = (typeof DISPLAY_TYPES)[number];
/** An accelerator vmdesk can ask QEMU for. */
export type Accelerator = (typeof ACCELERATORS)[number];

const text = (max: number) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .refine((s) => !s.includes('\0'), { error: 'must not contain a NUL byte' });

const portNumber = coercedInt.pipe(
  z.number().min(0, { error: 'port must be 0 (automatic) to 65535' }).max(65535, { error: 'port must be 0 (automatic) to 65535' }),
);
const guestPortNumber = coercedInt.pipe(
  z.number().min(1, { error: 'guest port must be 1 to 65535' }).max(65535, { error: 'guest port must be 1 to 65535' }),
);
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];
const portLabel = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,63}$/, { error: 'a port label is 1-63 letters, digits, "_" or "-"' })
  .refine((s) => !RESERVED_KEYS.includes(s), { error: 'this port label is reserved; choose another' });

/**
 * A label-keyed record that reports reserved keys: JSON.parse makes "__proto__" an own key, and zod's record
 * skips it silently, so a port labelled "__proto__" would vanish without an error.
 */
function labelRecord<V extends z.ZodType>(value: V) {
  return z.preprocess((v, ctx) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const key of Object.keys(v)) {
        if (RESERVED_KEYS.includes(key)) {
          ctx.issues.push({ code: 'custom', path: [key], message: 'this port label is reserved; choose another', input: v });
        }
      }
    }
    return v;
  }, z.record(portLabel, value));
}

/** port_map as Nomad accepts it: a map, or (from HCL blocks / API JSON) a list of maps; normalised to one map. */
const portMapSchema = z.preprocess(
  (v) => (Array.isArray(v) ? Object.assign({}, ...v.filter((m) => m && typeof m === 'object' && !Array.isArray(m))) : v),
  labelRecord(guestPortNumber),
);

const durationSchema = z
  .union([z.string(), z.number()], { error: 'expected a duration such as "30s"' })
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? v * 1000 : parseDuration(v);
    if (ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > KILL_TIMEOUT_MAX_MS) {
      ctx.issues.push({ code: 'custom', message: 'expected a duration such as "30s" (at most 1h)', input: v });
      return z.NEVER;
    }
    return ms;
  });

const ipAddress = z.string().refine((s) => z.ipv4().safeParse(s).success || z.ipv6().safeParse(s).success, {
  error: 'a DNS server must be an IP address',
});
const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, {
    error: 'a DNS search domain must be a host name',
  });

/** `config`: Nomad's qemu task options. */
export const taskConfigSchema = strictObject({
  image_path: text(4096).optional(),
  emulator: text(64).optional(),
  machine_type: text(64).optional(),
  accelerator: text(16).optional(),
  drive_interface: text(16).optional(),
  graceful_shutdown: coercedBoolean.optional(),
  guest_agent: coercedBoolean.optional(),
  args: z.array(text(4096)).max(256).optional(),
  port_map: portMapSchema.optional(),
  // Beside Nomad's options: firmware, secure_boot, tpm, drives, boot (hardware.ts).
  ...hardwareConfigShape,
  // vmdesk's own: a NoCloud seed built per run (cloud-init.ts).
  cloud_init: cloudInitSchema.optional(),
});

/** The task file as written (JSON). */
export const taskFileSchema = strictObject({
  name: text(200),
  config: taskConfigSchema,
  resources: strictObject({
    memory: coercedInt.optional(),
    cores: coercedInt.optional(),
  }).optional(),
  ports: labelRecord(portNumber).optional(),
  dns: strictObject({
    servers: z.array(ipAddress).max(3, { error: 'at most 3 DNS servers' }).optional(),
    searches: z.array(hostname).max(6, { error: 'at most 6 search domains' }).optional(),
  }).optional(),
  kill_timeout: durationSchema.optional(),
  disposable: coercedBoolean.optional(),
  /** vmdesk's own (not Nomad's): "vnc" adds a VGA device and a VNC server on a private unix socket. */
  display: z.enum(DISPLAY_TYPES, { error: `display must be ${DISPLAY_TYPES.map((d) => `"${d}"`).join(' or ')}` }).optional(),
  /** Nomad's artifact blocks: images fetched into the task directory before start (src/shared/artifact.ts). */
  artifacts: z.array(artifactSchema).max(32, { error: 'at most 32 artifacts' }).optional(),
  /** vmdesk's own: what `vmdesk test` verifies (src/shared/checks.ts). */
  checks: checksSchema.optional(),
});

/** The task file as written, after schema parsing (coercions applied, defaults not yet). */
export type TaskFile = z.input<typeof taskFileSchema>;

/** A validated task with every default filled in: what the planner and the supervisor work with. */
export interface Task {
  name: string;
  config: {
    image_path: string;
    emulator: string;
    machine_type: string;
    accelerator: Accelerator;
    drive_interface: DriveInterface;
    graceful_shutdown: boolean;
    guest_agent: boolean;
    args: string[];
    port_map: Record<string, number>;
    /** A NoCloud seed vmdesk builds and attaches (absent: none). */
    cloud_init?: CloudInitConfig;
  } & HardwareConfig;
  resources: { memory: number; cores: number };
  ports: Record<string, number>;
  dns: { servers: string[]; searches: string[] };
  kill_timeout_ms: number;
  disposable: boolean;
  /** "none" (Nomad's -nographic only) or "vnc" (see src/main/display/display-args.ts). */
  display: DisplayType;
  /** Fetched before start, in order; [] when none. */
  artifacts: Artifact[];
  /** `vmdesk test`'s checks, as written; absent when the task has none. */
  checks?: CheckSpec[];
}

/** Result of parsing a task: the task or the first error, with its field path. */
export type TaskParseResult = { ok: true; task: Task } | { ok: false; field: string; message: string };

/** Strips the `qemu-system-` prefix; empty means the default `x86_64` (fixes Nomad's raw string compare). */
export function normaliseEmulator(emulator: string | undefined): string {
  const e = (emulator ?? '').trim().replace(/^qemu-system-/, '');
  return e === '' ? 'x86_64' : e;
}

/**
 * Parses an untrusted task (already JSON-decoded) into a Task with defaults, or the first error.
 * Nomad's own phrases are used where Nomad has one.
 */
export function parseTask(input: unknown): TaskParseResult {
  const parsed = parseWith(taskFileSchema, input);
  if (!parsed.ok) return checksPathStyle(parsed);
  const t = parsed.value;
  const c = t.config;
  const fail = (field: string, message: string): TaskParseResult => ({ ok: false, field, message });

  if (!VM_NAME_PATTERN.test(t.name)) {
    return fail('name', 'name: use 1-63 lower-case letters, digits, "-", "_" or "." (starting with a letter or digit)');
  }
  if (c.image_path === undefined || c.image_path.trim() === '') return fail('config.image_path', 'image_path must be set');

  const emulator = normaliseEmulator(c.emulator);
  if (!/^[a-z0-9_]{1,32}$/.test(emulator)) {
    return fail('config.emulator', `config.emulator: '${c.emulator}' is not a QEMU system emulator name (such as x86_64)`);
  }
  const machine = (c.machine_type ?? 'pc').trim() || 'pc';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(machine)) {
    return fail('config.machine_type', 'config.machine_type: use letters, digits, ".", "-" or "_" (such as pc or q35)');
  }
  const accel = (c.accelerator ?? 'tcg').trim() || 'tcg';
  if (!(ACCELERATORS as readonly string[]).includes(accel)) {
    return fail('config.accelerator', `config.accelerator: '${accel}' is not supported; use ${ACCELERATORS.join(' or ')}`);
  }
  const drive = (c.drive_interface ?? 'ide').trim() || 'ide';
  if (!(DRIVE_INTERFACES as readonly string[]).includes(drive)) {
    return fail('config.drive_interface', `Unsupported drive_interface "${drive}" (use ${DRIVE_INTERFACES.join(', ')})`);
  }
  const memory = t.resources?.memory ?? MEMORY_DEFAULT_MIB;
  if (memory < MEMORY_MIN_MIB || memory > MEMORY_MAX_MIB) {
    return fail(
      'resources.memory',
      `QEMU memory assignment out of bounds: ${memory} MiB (allowed ${MEMORY_MIN_MIB} to ${MEMORY_MAX_MIB})`,
    );
  }
  const cores = t.resources?.cores ?? 1;
  if (cores < 1 || cores > CORES_MAX) return fail('resources.cores', `resources.cores: must be 1 to ${CORES_MAX}`);

  const ports = t.ports ?? {};
  const portMap = (c.port_map ?? {}) as Record<string, number>;
  for (const label of Object.keys(portMap)) {
    if (!(label in ports)) return fail(`config.port_map.${label}`, `Unknown port label "${label}"`);
  }
  const fixedHostPorts = Object.entries(ports).filter(([, p]) => p !== 0);
  const seen = new Map<number, string>();
  for (const [label, port] of fixedHostPorts) {
    const other = seen.get(port);
    if (other) return fail(`ports.${label}`, `ports.${label}: host port ${port} is also used by "${other}"`);
    seen.set(port, label);
  }

  const hardware = normaliseHardware(c);
  if (!hardware.ok) return hardware;
  const cloudInit = c.cloud_init !== undefined ? normaliseCloudInit(c.cloud_init) : undefined;
  if (cloudInit && !cloudInit.ok) return cloudInit;

  return {
    ok: true,
    task: {
      name: t.name,
      config: {
        image_path: c.image_path,
        emulator,
        machine_type: machine,
        accelerator: accel as Accelerator,
        drive_interface: drive as DriveInterface,
        graceful_shutdown: c.graceful_shutdown ?? false,
        guest_agent: c.guest_agent ?? false,
        args: c.args ?? [],
        port_map: portMap,
        ...hardware.value,
        ...(cloudInit ? { cloud_init: cloudInit.value } : {}),
      },
      resources: { memory, cores },
      ports,
      dns: { servers: t.dns?.servers ?? [], searches: t.dns?.searches ?? [] },
      kill_timeout_ms: (t.kill_timeout as number | undefined) ?? KILL_TIMEOUT_DEFAULT_MS,
      disposable: t.disposable ?? false,
      display: t.display ?? 'none',
      artifacts: (t.artifacts ?? []).map(normaliseArtifact),
      ...(t.checks ? { checks: t.checks } : {}),
    },
  };
}

/** Errors inside `checks` name their place as `checks[2].http.status`, as `vmdesk test --spec` does. */
function checksPathStyle(r: { ok: false; field: string; message: string }): TaskParseResult {
  if (!r.field.startsWith('checks.')) return r;
  const field = r.field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  return { ok: false, field: r.field, message: r.message.startsWith(r.field) ? field + r.message.slice(r.field.length) : r.message };
}

/** The task file (JSON form) that parses back to `task`: used to save VMs made in the app and by export/import. */
export function taskToFile(task: Task): TaskFile {
  return {
    name: task.name,
    config: {
      ...task.config,
      args: [...task.config.args],
      port_map: { ...task.config.port_map },
      ...(task.config.drives ? { drives: task.config.drives.map((d) => ({ ...d })) } : {}),
    },
    resources: { ...task.resources },
    ports: { ...task.ports },
    dns: { servers: [...task.dns.servers], searches: [...task.dns.searches] },
    kill_timeout: formatDuration(task.kill_timeout_ms),
    disposable: task.disposable,
    ...(task.display !== 'none' ? { display: task.display } : {}),
    ...(task.artifacts.length ? { artifacts: task.artifacts.map(artifactToFile) } : {}),
    ...(task.checks ? { checks: structuredClone(task.checks) } : {}),
  };
}
