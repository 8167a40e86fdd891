// What the supervisor reports about VMs: states, exit records, events, stats. Shared by CLI, IPC and UI.
import type { PortForward } from './plan';

/**
 * Lifecycle state of a VM. `defined`: a task file with no run record yet (never started); the supervisor
 * never reports it, the app and `vmdesk ls` do for task files in $VMDESK_HOME/tasks.
 */
export type VmState = 'defined' | 'starting' | 'running' | 'paused' | 'stopping' | 'exited' | 'crashed' | 'lost';

/** The "VM is live" states: a QEMU process may exist for the VM (a stop makes sense, a start does not). */
export const LIVE_STATES: readonly VmState[] = ['starting', 'running', 'paused', 'stopping'];

/** True while a QEMU process may exist for the VM: the one answer to "is it live" for every layer. Pure. */
export function isLive(state: VmState): boolean {
  return LIVE_STATES.includes(state);
}

/** Which step of the stop ladder ended the VM. */
export type StopStep = 'powerdown' | 'quit' | 'sigterm' | 'sigkill' | 'already-exited';

/** How a VM ended. */
export interface ExitRecord {
  at: string;
  code: number | null;
  signal: string | null;
  /** QMP SHUTDOWN reason when one arrived (guest-shutdown, host-qmp-quit, host-signal, ...). */
  shutdownReason?: string;
  /** True when a vmdesk stop asked for it. */
  requested: boolean;
  /** The stop step that ended it, when a stop was asked for. */
  stopStep?: StopStep;
  /** Human summary: "guest powered off", "killed by SIGKILL", ... */
  summary: string;
  /** Last lines of QEMU's stderr, when it failed. */
  stderrTail?: string;
}

/** One timeline entry. */
export interface VmEvent {
  at: string;
  /** lifecycle (start, running, stop-step, exit...), qmp (a QMP event), agent, error. */
  kind: 'lifecycle' | 'qmp' | 'stop' | 'agent' | 'error';
  type: string;
  message: string;
  data?: Record<string, unknown>;
}

/** One stats sample. */
export interface StatsSample {
  at: number;
  cpuPercent: number;
  rssBytes: number;
}

/** Guest agent status as last seen. */
export type AgentStatus = 'disabled' | 'unknown' | 'responding' | 'not-responding';

/** Set in VmInfo while the disk holding the VM's logs and state is full (see supervisor/disk-space.ts). */
export interface LogDiskStatus {
  full: true;
  /** When the episode began (as first noticed by this process). */
  since: string;
  /** The file or directory whose write failed, or whose free space was measured. */
  path: string;
  freeBytes?: number;
  /** What is full, what still works, what to do. */
  message: string;
}

/** How to log in to a VM with a cloud_init block over SSH (`vmdesk ssh`): from its plan and forwarded ports. */
export interface VmSshAccess {
  user: string;
  /** The port_map label of the guest's SSH port. */
  label: string;
  host: string;
  /** The forwarded host port; absent when port_map has no such label (or it is not assigned yet). */
  port?: number;
  /** The generated private key; absent when the task brings its own keys (ssh then uses the user's). */
  keyFile?: string;
  knownHosts: string;
  /** The ssh command line (argv, first word `ssh`); absent without a port. */
  command?: string[];
}

/** A VM as `inspect` and the UI see it. */
export interface VmInfo {
  name: string;
  state: VmState;
  pid?: number;
  uuid?: string;
  startedAt?: string;
  uptimeMs?: number;
  ports: PortForward[];
  agent: AgentStatus;
  /** When the guest agent status was last seen (an agent call or probe, by any vmdesk process); absent while unknown. */
  agentSeenAt?: string;
  lastExit?: ExitRecord;
  disposable: boolean;
  taskFile?: string;
  argv?: string[];
  binary?: string;
  /** Present for a task with cloud_init: how `vmdesk ssh` logs in. */
  ssh?: VmSshAccess;
  /** Present only while the log disk is full: the VM runs on, but its logs and state cannot be written. */
  logDisk?: LogDiskStatus;
}
