// The plan: the pure result of validating a task against the driver config.
import type { Task } from './task';

/** One forwarded port. `host` 0 means "pick a free port at start"; the supervisor records the real one. */
export interface PortForward {
  label: string;
  host: number;
  guest: number;
  bind: string;
  /** Nomad forwards both TCP and UDP for each mapped port. */
  protocols: Array<'tcp' | 'udp'>;
}

/** What the driver learned about the image (from qemu-img info or the header). */
export interface ImageInfo {
  /** Real path, symlinks resolved. */
  path: string;
  format: string;
  virtualSize?: number;
  backingFile?: string;
  dataFile?: string;
}

/** The paths a VM's QEMU uses; all sockets live in the private runtime directory. */
export interface VmPaths {
  /** The VM's directory under $VMDESK_HOME/vms/<name>: state record, logs, overlay. */
  vmDir: string;
  /** Private (0700) runtime directory for sockets. */
  runtimeDir: string;
  qmpSocket: string;
  /**
   * A second QMP monitor: QEMU serves one client per monitor, so while one vmdesk process (the app) is
   * attached, another (the CLI) acts through this one. Absent in records written by older versions.
   */
  qmpSocket2?: string;
  /** Serial console socket (input and live output). */
  consoleSocket: string;
  agentSocket?: string;
  /** Serial console capture, written by QEMU itself. */
  consoleLog: string;
  /** QEMU's stderr, written by QEMU itself (its fd 2 is this file). */
  stderrLog: string;
  pidFile: string;
  /** Set for disposable VMs: the qcow2 overlay created at start. */
  overlay?: string;
}

/** An extra drive as planned (config.drives, in order): the real file and what QEMU gets. */
export interface PlannedDrive {
  /** QEMU drive id (vmdesk-drive1, ...). */
  id: string;
  path: string;
  format: string;
  media: 'disk' | 'cdrom';
  interface: 'ide' | 'virtio' | 'scsi';
  readOnly: boolean;
  virtualSize?: number;
  /** Set on the drive the VM boots from when it is not the image (boot "cdrom"). */
  boot?: boolean;
}

/** UEFI firmware as planned: files chosen through QEMU's firmware descriptors. */
export interface PlannedFirmware {
  secureBoot: boolean;
  /** The descriptor that chose these files. */
  descriptor: string;
  description: string;
  /** Firmware code (read-only pflash unit 0). */
  code: string;
  /** The template the VM's variable store is copied from. */
  varsTemplate: string;
  /** The VM's own variable store (pflash unit 1), in the VM directory, kept across runs unless disposable. */
  varsFile: string;
  requiresSmm: boolean;
}

/** The VM's TPM 2.0 (swtpm in socket mode, started by vmdesk before QEMU). */
export interface PlannedTpm {
  /** swtpm binary. */
  binary: string;
  /** Control socket (0600, in the private runtime directory). */
  socket: string;
  /** TPM state directory (kept across runs unless disposable). */
  stateDir: string;
  log: string;
  pidFile: string;
}

/** The cloud-init NoCloud seed as planned: what the supervisor writes into the ISO at each start, and how to log in. */
export interface PlannedCloudInit {
  /** The seed ISO (in the VM directory), rebuilt at each start, attached read-only as a cdrom. */
  seed: string;
  /** The QEMU drive id of the seed. */
  driveId: string;
  /** The program that builds it (genisoimage, or xorriso -as mkisofs). */
  tool: { name: 'genisoimage' | 'xorriso'; path: string };
  /** user-data / network-config texts (a {file} already read and checked). */
  userData?: string;
  networkConfig?: string;
  metaData?: Record<string, string | number | boolean>;
  hostname: string;
  sshUser: string;
  /** The port_map label of the guest's SSH port. */
  sshLabel: string;
  /** The task's own keys; absent: vmdesk generates keyFile and authorizes its public key. */
  authorizedKeys?: string[];
  /** The generated private key (0600, kept across runs) when the task brings no keys. */
  keyFile?: string;
  /** The known_hosts file `vmdesk ssh` uses for this VM. */
  knownHosts: string;
}

/** A validated, ready-to-run VM: the exact argv and everything the supervisor needs. */
export interface Plan {
  name: string;
  task: Task;
  /** Absolute path of the qemu-system-* binary. */
  binary: string;
  /** Arguments after the binary, exactly as QEMU will get them. */
  argv: string[];
  ports: PortForward[];
  image: ImageInfo;
  paths: VmPaths;
  warnings: string[];
  /** The task's directory (real path): QEMU's working directory, so relative paths in args resolve there. */
  taskDir?: string;
  /** Extra drives (config.drives); absent when the task has none. */
  drives?: PlannedDrive[];
  /** UEFI firmware; absent for BIOS (SeaBIOS, QEMU's default). */
  firmware?: PlannedFirmware;
  /** The TPM; absent without tpm: true. */
  tpm?: PlannedTpm;
  /** The cloud-init seed; absent without config.cloud_init. */
  cloudInit?: PlannedCloudInit;
}
