// The supervisor's public face: what the CLI and the app's IPC handlers call. Implemented by supervisor.ts
// (`createSupervisor({ home, env?, driverConfig, planner })`; `defaultPlanner` wires the driver's planTask).
// Changes since the first draft (all additive): `wait(name)`; `subscribeConsole`'s callback may return a
// promise (back-pressure: the next chunk is read only after it settles); `stop` resolves after the exit
// record is written; `list`/`inspect` never report a VM whose QEMU is gone as running.
import type { Plan } from '../../shared/plan';
import type { ExitRecord, StatsSample, StopStep, VmEvent, VmInfo } from '../../shared/vm';

/** Where a VM's task comes from when starting. */
export type StartSource =
  | { taskFile: string }
  | { task: unknown; taskDir: string };

/** Options for a stop. */
export interface StopOptions {
  /** Straight to SIGKILL. */
  force?: boolean;
  /** Overrides the task's kill_timeout for each step, in ms. */
  timeoutMs?: number;
}

/** What a stop did. */
export interface StopResult {
  name: string;
  /** The step that ended the VM. */
  step: StopStep;
  durationMs: number;
  info: VmInfo;
}

/** Options for destroy (vmdesk rm). */
export interface DestroyOptions {
  /** Stop a running VM first (SIGKILL after the ladder) instead of refusing. */
  force?: boolean;
  /** Also delete the logs and the VM's directory (default: keep logs). */
  removeLogs?: boolean;
}

/** Guest agent operations. */
export interface AgentOps {
  ping(name: string): Promise<void>;
  info(name: string): Promise<Record<string, unknown>>;
  interfaces(name: string): Promise<Array<{ name: string; hardwareAddress?: string; addresses: Array<{ type: 'ipv4' | 'ipv6'; address: string; prefix: number }> }>>;
  exec(name: string, command: string[], opts?: { timeoutMs?: number }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/** Notifications the supervisor pushes (to the IPC layer, `vmdesk logs -f`, ...). */
export interface SupervisorEvents {
  /** A VM's info changed (state, ports, agent, exit). */
  vm: (info: VmInfo) => void;
  /** A VM was removed. */
  removed: (name: string) => void;
  /** A new timeline event. */
  event: (name: string, event: VmEvent) => void;
  /** A new stats sample. */
  stats: (name: string, sample: StatsSample) => void;
}

/** The supervisor as its callers see it. */
export interface SupervisorApi {
  /** Re-attaches every VM found in $VMDESK_HOME (running ones reconnected, dead ones reported). */
  recover(): Promise<VmInfo[]>;
  /** Plans and starts a VM; resolves once QMP answers and the VM is running. */
  start(source: StartSource): Promise<VmInfo>;
  /** The plan a start would use, without starting anything. */
  plan(source: StartSource): Promise<Plan>;
  stop(name: string, opts?: StopOptions): Promise<StopResult>;
  destroy(name: string, opts?: DestroyOptions): Promise<void>;
  list(): Promise<VmInfo[]>;
  inspect(name: string): Promise<VmInfo>;
  events(name: string): Promise<VmEvent[]>;
  /** The bounded stats history (newest last). */
  stats(name: string): StatsSample[];
  /** Resolves with the exit record when the VM's QEMU exits (at once if it already has). */
  wait(name: string): Promise<ExitRecord>;
  /**
   * Live console output (read from the console log QEMU writes) from byte `fromOffset` (default: the current
   * end; 0 = everything still in the live log). The next chunk is read only after `onData` (or the promise it
   * returns) finishes: a slow subscriber lags in the file, not in memory. The chunk's bytes are valid only
   * until then (the follower reads the next chunk into the same buffer): copy what you keep. Returns an
   * unsubscribe function.
   */
  subscribeConsole(name: string, onData: (chunk: Uint8Array) => void | Promise<void>, opts?: { fromOffset?: number }): () => void;
  /** Sends input to the serial console. */
  writeConsole(name: string, data: string | Uint8Array): Promise<void>;
  agent: AgentOps;
  /** Runs one QMP command on a running VM's monitor (screendump, send-key, snapshot jobs: src/main/display, src/main/snapshots). */
  qmp<T = unknown>(name: string, command: string, args?: Record<string, unknown>, opts?: { timeoutMs?: number }): Promise<T>;
  /** Adds an event to a VM's timeline (as if the supervisor had seen it: journal and listeners). */
  recordVmEvent(name: string, event: VmEvent): void;
  on<K extends keyof SupervisorEvents>(event: K, listener: SupervisorEvents[K]): () => void;
  /** Detaches from every VM (they keep running) and stops timers. */
  close(): Promise<void>;
}
