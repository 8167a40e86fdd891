// The pure planner: a validated task + the driver config + what the host has -> the exact QEMU argv, the
// port forwards and warnings; or a VmdeskError with Nomad's phrase. No I/O: the image is already inspected
// and every path already resolved by prepare.ts. The argv order is a contract with the supervisor (see
// ARCHITECTURE.md, "Driver").
import { artifactWarnings } from '../../shared/artifact';
import { VmdeskError } from '../../shared/errors';
import type { DriverConfig } from '../../shared/driver-config';
import type { ImageInfo, Plan, PortForward, VmPaths } from '../../shared/plan';
import { normaliseEmulator, type Task } from '../../shared/task';
import {
  ACCELERATORS,
  CORES_MAX,
  DRIVE_INTERFACES,
  MEMORY_MAX_MIB,
  MEMORY_MIN_MIB,
  VM_NAME_PATTERN,
} from '../../shared/limits';
import { checkArgs } from './args-policy';
import { bindArgs } from './args-binds';
import { driveArgs } from './drive-args';
import { driveInterfaceProblem } from './machine-facts';
import { dnsServersWarning, networkArgs } from './network-args';
import { optValue, qemuOpts } from './qemu-syntax';
import { checkSocketPaths } from './socket-paths';
import { displayArgs, vncSocketOf } from '../display/display-args';
import { planHardware, type HardwareHost } from './hardware-args';
import { planCloudInit, type ResolvedCloudInit } from '../cloudinit/cloud-init-plan';

/** What the driver found on the host (fingerprint.ts). */
export interface HostFacts {
  platform: NodeJS.Platform;
  /** Emulator name (`x86_64`) -> absolute path of its qemu-system-* binary on PATH. */
  emulators: Record<string, string>;
  /** /dev/kvm exists, is accessible and QEMU can enable KVM with it. */
  kvmUsable: boolean;
  /** QEMU accepts `-sandbox on,...` here (built with seccomp, kernel supports it). */
  sandboxSupported: boolean;
  /** UEFI firmware descriptors and swtpm (hardware-args.ts); absent: none found. */
  hardware?: HardwareHost;
}

/** Everything buildPlan needs besides the task. */
export interface PlanContext {
  /** The task's own directory (where the task file lives). */
  taskDir: string;
  driverConfig: DriverConfig;
  host: HostFacts;
  /** The image, already inspected and allowed by the I/O layer (real path, format, chain checked). */
  image: ImageInfo;
  paths: VmPaths;
  /** The VM's uuid; the supervisor passes one at start (`-uuid`). */
  uuid?: string;
  /** config.drives, each resolved and inspected like the image (image-resolve.ts), in order. */
  drives?: ImageInfo[];
  /** config.cloud_init's sources read and the seed tool found (seed-resolve.ts); needed when the task has cloud_init. */
  cloudInit?: ResolvedCloudInit;
}

/** The chardev ids vmdesk uses; args can refer to them (e.g. to attach more ports), never replace them. */
export const CHARDEV_IDS = { console: 'vmdesk-console', qmp: 'vmdesk-qmp', qmp2: 'vmdesk-qmp2', agent: 'vmdesk-qga' } as const;

/** The seccomp sandbox vmdesk asks for: no obsolete syscalls, no privilege changes, no exec, no resource control. */
export const SANDBOX_ARG = 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Builds the plan or throws a VmdeskError (with the field it is about). Pure. */
export function buildPlan(task: Task, ctx: PlanContext): Plan {
  const warnings: string[] = [];
  const c = task.config;
  validateTaskValues(task);

  // Emulator: both sides normalised (Nomad compares raw strings, so '' never matched).
  const emulator = normaliseEmulator(c.emulator);
  const allowedEmulators = ctx.driverConfig.emulators_allowlist.map(normaliseEmulator);
  if (allowedEmulators.length > 0 && !allowedEmulators.includes(emulator)) {
    throw new VmdeskError('EMULATOR_NOT_ALLOWED', `'${emulator}' is not an allowed emulator`, 'config.emulator');
  }
  const binary = ctx.host.emulators[emulator];
  if (binary === undefined) {
    throw new VmdeskError(
      'EMULATOR_NOT_FOUND',
      `qemu-system-${emulator} was not found on PATH; install QEMU for this emulator (run \`vmdesk doctor\` for how)`,
      'config.emulator',
    );
  }
  if (c.accelerator === 'kvm' && !ctx.host.kvmUsable) {
    throw new VmdeskError(
      'ACCELERATOR_UNAVAILABLE',
      ctx.host.platform === 'linux'
        ? 'accelerator "kvm" is not usable on this host (/dev/kvm missing or not accessible to this user); use accelerator "tcg"'
        : `accelerator "kvm" is only available on Linux, not ${ctx.host.platform}; use accelerator "tcg"`,
      'config.accelerator',
    );
  }
  const driveProblem = driveInterfaceProblem(emulator, c.machine_type, c.drive_interface, ctx.image.virtualSize);
  if (driveProblem) throw new VmdeskError('INVALID_TASK', driveProblem, 'config.drive_interface');

  if (ctx.uuid !== undefined && !UUID_PATTERN.test(ctx.uuid)) {
    throw new VmdeskError('INTERNAL', `not a uuid: ${JSON.stringify(ctx.uuid)}`);
  }
  if (task.disposable && !ctx.paths.overlay) {
    throw new VmdeskError('INTERNAL', 'a disposable task needs paths.overlay');
  }
  if (c.guest_agent && !ctx.paths.agentSocket) {
    throw new VmdeskError('INTERNAL', 'guest_agent needs paths.agentSocket');
  }
  checkSocketPaths(ctx.paths, ctx.host.platform, task.display === 'vnc' ? [vncSocketOf(ctx.paths)] : []);

  const hw = planHardware(task, emulator, ctx.drives ?? [], ctx.paths, ctx.host.hardware ?? {});
  const seed = planCloudInit(task, ctx.paths, ctx.cloudInit, {
    x86: emulator === 'x86_64' || emulator === 'i386',
    scsiControllerPresent: (hw.drives ?? []).some((d) => d.interface === 'scsi'),
  });
  if (seed) warnings.push(...seed.warnings);
  const ports = portForwards(task, ctx.driverConfig.port_bind_address);
  const dc = ctx.driverConfig;
  warnings.push(...checkArgs(c.args, dc.args_allowlist, { taskDir: ctx.taskDir, imagePaths: dc.image_paths, loaderAllowlist: dc.args_loader_allowlist ?? [] }));
  const args = bindArgs(c.args, dc.port_bind_address, dc.args_allowlist.length > 0); // listening addresses on port_bind_address
  warnings.push(...args.warnings);
  const dnsWarning = dnsServersWarning(task.dns.servers);
  if (dnsWarning) warnings.push(dnsWarning);
  warnings.push(...artifactWarnings(task.artifacts ?? []));
  if (!ctx.host.sandboxSupported) warnings.push('QEMU seccomp sandboxing is not available here; QEMU runs without -sandbox');

  const argv = [
    '-name', qemuOpts([['guest', task.name]]),
    ...(ctx.uuid ? ['-uuid', ctx.uuid] : []),
    '-machine', qemuOpts([['type', c.machine_type], ['accel', c.accelerator], ...hw.machineOpts]),
    ...(c.accelerator === 'kvm' ? ['-enable-kvm'] : []),
    '-m', `${task.resources.memory}M`,
    '-smp', String(task.resources.cores),
    ...consoleArgs(ctx.paths),
    ...qmpArgs(ctx.paths),
    ...driveArgs({
      file: task.disposable ? ctx.paths.overlay! : ctx.image.path,
      format: task.disposable ? 'qcow2' : ctx.image.format,
      driveInterface: c.drive_interface,
      emulator,
      machineType: c.machine_type,
    }),
    ...hw.argv,
    ...(seed ? seed.argv : []),
    ...networkArgs(ports, task.dns.searches),
    ...(c.guest_agent ? agentArgs(ctx.paths.agentSocket!) : []),
    ...displayArgs(task.display, ctx.paths, emulator),
    ...(ctx.host.sandboxSupported ? ['-sandbox', SANDBOX_ARG] : []),
    ...args.args,
  ];

  return {
    name: task.name,
    task: { ...task, config: { ...c, emulator } },
    binary,
    argv,
    ports,
    image: ctx.image,
    paths: ctx.paths,
    warnings,
    taskDir: ctx.taskDir,
    ...(hw.drives ? { drives: hw.drives } : {}),
    ...(hw.firmware ? { firmware: hw.firmware } : {}),
    ...(hw.tpm ? { tpm: hw.tpm } : {}),
    ...(seed ? { cloudInit: seed.planned } : {}),
  };
}

/**
 * Returns `plan` with host ports assigned (label -> port; used for forwards whose host port is 0 once the
 * supervisor has picked a free one). Only the -netdev token of the argv changes. Pure.
 */
export function assignHostPorts(plan: Plan, hostPorts: Record<string, number>): Plan {
  for (const [label, port] of Object.entries(hostPorts)) {
    if (!plan.ports.some((p) => p.label === label)) {
      throw new VmdeskError('PORT_INVALID', `Unknown port label "${label}"`, `ports.${label}`);
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new VmdeskError('PORT_INVALID', `ports.${label}: host port must be 1 to 65535, not ${port}`, `ports.${label}`);
    }
  }
  const ports = plan.ports.map((p) => (hostPorts[p.label] !== undefined ? { ...p, host: hostPorts[p.label]! } : p));
  const i = plan.argv.indexOf('-netdev');
  const argv = [...plan.argv];
  argv.splice(i, 4, ...networkArgs(ports, plan.task.dns.searches));
  return { ...plan, ports, argv };
}

/** Forwards for every port_map label, bound where the operator said, TCP and UDP as in Nomad. */
function portForwards(task: Task, bind: string): PortForward[] {
  if (bind.includes(':')) {
    // QEMU 7.2's slirp hostfwd parses the host address with inet_aton: IPv4 only.
    throw new VmdeskError(
      'INVALID_DRIVER_CONFIG',
      `port_bind_address ${bind}: QEMU user networking forwards only IPv4 addresses; use 127.0.0.1 or 0.0.0.0`,
      'port_bind_address',
    );
  }
  return Object.entries(task.config.port_map)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, guest]) => {
      const host = task.ports[label];
      if (host === undefined) throw new VmdeskError('PORT_INVALID', `Unknown port label "${label}"`, `config.port_map.${label}`);
      return { label, host, guest, bind, protocols: ['tcp', 'udp'] };
    });
}

/** The first serial port, on the console socket with QEMU writing every byte to the console log. */
function consoleArgs(paths: VmPaths): string[] {
  return [
    '-nographic',
    // With -nographic and an explicit -serial, QEMU would put the HMP monitor on stdio: none, ever.
    '-monitor', 'none',
    '-serial', `chardev:${CHARDEV_IDS.console}`,
    '-chardev',
    `socket,id=${CHARDEV_IDS.console},path=${optValue(paths.consoleSocket)},server=on,wait=off,logfile=${optValue(paths.consoleLog)},logappend=on`,
  ];
}

/** The QMP sockets (always: the supervisor needs them whatever graceful_shutdown says); the second one lets another vmdesk process act while one is attached. */
function qmpArgs(paths: VmPaths): string[] {
  return [
    '-chardev', `socket,id=${CHARDEV_IDS.qmp},path=${optValue(paths.qmpSocket)},server=on,wait=off`,
    '-mon', `chardev=${CHARDEV_IDS.qmp},mode=control`,
    ...(paths.qmpSocket2
      ? ['-chardev', `socket,id=${CHARDEV_IDS.qmp2},path=${optValue(paths.qmpSocket2)},server=on,wait=off`, '-mon', `chardev=${CHARDEV_IDS.qmp2},mode=control`]
      : []),
  ];
}

/** The guest agent channel, as Nomad wires it (virtio-serial port org.qemu.guest_agent.0). */
function agentArgs(socket: string): string[] {
  return [
    '-chardev', `socket,id=${CHARDEV_IDS.agent},path=${optValue(socket)},server=on,wait=off`,
    '-device', 'virtio-serial',
    '-device', `virtserialport,chardev=${CHARDEV_IDS.agent},name=org.qemu.guest_agent.0`,
  ];
}

/** Re-checks what parseTask guarantees, since a Task may also come from code (Nomad import, the app). */
function validateTaskValues(task: Task): void {
  const c = task.config;
  const bad = (field: string, message: string, code: 'INVALID_TASK' | 'PORT_INVALID' = 'INVALID_TASK') => {
    throw new VmdeskError(code, message, field);
  };
  if (!VM_NAME_PATTERN.test(task.name)) bad('name', 'name: use 1-63 lower-case letters, digits, "-", "_" or "."');
  if (!c.image_path) bad('config.image_path', 'image_path must be set');
  if (!/^[a-z0-9_]{1,32}$/.test(normaliseEmulator(c.emulator))) bad('config.emulator', `config.emulator: '${c.emulator}' is not a QEMU system emulator name`);
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(c.machine_type)) bad('config.machine_type', 'config.machine_type: use letters, digits, ".", "-" or "_"');
  if (!(ACCELERATORS as readonly string[]).includes(c.accelerator)) bad('config.accelerator', `config.accelerator: '${c.accelerator}' is not supported`);
  if (!(DRIVE_INTERFACES as readonly string[]).includes(c.drive_interface)) bad('config.drive_interface', 'Unsupported drive_interface');
  const m = task.resources.memory;
  if (!Number.isInteger(m) || m < MEMORY_MIN_MIB || m > MEMORY_MAX_MIB) bad('resources.memory', 'QEMU memory assignment out of bounds');
  const n = task.resources.cores;
  if (!Number.isInteger(n) || n < 1 || n > CORES_MAX) bad('resources.cores', `resources.cores: must be 1 to ${CORES_MAX}`);
  for (const [label, guest] of Object.entries(c.port_map)) {
    if (!Number.isInteger(guest) || guest < 1 || guest > 65535) bad(`config.port_map.${label}`, `config.port_map.${label}: guest port must be 1 to 65535`, 'PORT_INVALID');
  }
  for (const [label, host] of Object.entries(task.ports)) {
    if (!Number.isInteger(host) || host < 0 || host > 65535) bad(`ports.${label}`, `ports.${label}: port must be 0 (automatic) to 65535`, 'PORT_INVALID');
  }
  if (c.args.some((a) => a.includes('\0'))) bad('config.args', 'config.args: must not contain a NUL byte');
}
