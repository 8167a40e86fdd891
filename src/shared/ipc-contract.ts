// The one IPC contract: every invoke channel (request schema + result type) and every event (payload type).
// The preload derives one named function per entry; the main process derives its handler table from it.
import { z } from 'zod';
import type { ErrorData } from './errors';
import type { DoctorReport } from './doctor';
import type { ImageInfo, PortForward } from './plan';
import type { Settings } from './settings';
import type { TaskFile } from './task';
import type { StatsSample, VmEvent, VmInfo } from './vm';
import type { Snapshot } from './snapshot';
import type { CacheInfo, Download } from './download';
import { TASK_FILE_MAX_BYTES, VM_NAME_PATTERN } from './limits';
import { nomadSettingsRequestSchema, type NomadSettingsView } from './nomad-settings';
import { strictObject } from './schema-helpers';
import type { ChecksLiveEvent, ChecksOverview } from './checks-live';

/** What every invoke resolves to: errors cross IPC as data with a stable code. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

const vmName = z.string().max(63).regex(VM_NAME_PATTERN, { error: 'not a valid VM name' });
const none = z.undefined();
const byName = strictObject({ name: vmName });
const terminalCells = z.number().int().min(2).max(1000);
const sshSession = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** A declared invoke channel: the request schema (parsed in main) and the result type (for typing only). */
interface InvokeSpec<Req extends z.ZodType, Res> {
  request: Req;
  /** Phantom: carries the result type; undefined at run time. */
  result: Res;
}
function invoke<Res>() {
  return <Req extends z.ZodType>(request: Req): InvokeSpec<Req, Res> => ({ request, result: undefined as Res });
}

/** Result of live validation: the plan preview or the first error with its field. */
export type ValidationResult =
  | { ok: true; binary: string; argv: string[]; ports: PortForward[]; warnings: string[] }
  | { ok: false; error: ErrorData };

/** One page of a log file. */
export interface LogPage {
  /** Text of the page (UTF-8, invalid bytes replaced). */
  text: string;
  /** Byte offset where the page starts. */
  offset: number;
  /** Byte offset just after the page. */
  nextOffset: number;
  /** Current size of the file. */
  size: number;
  /** Bytes before `offset` that were asked for but are gone (log rotation deleted them); absent: none. */
  dropped?: number;
}

/** One finding of a Nomad job import (what vmdesk changed, could not carry over, or refused). */
export interface ImportDiagnostic {
  /** An error stops that task's import; the others are reported. */
  severity: 'error' | 'warning' | 'info';
  /** Stable kind: artifact, template, service, check, constraint, non-qemu-task, unknown-key, not-applicable, interpolation, port, network, dns, invalid, renamed, image, syntax, ... */
  kind: string;
  message: string;
  /** The Nomad task it concerns (absent for job- or group-level items that concern every task). */
  task?: string;
  /** 1-based line in the job file, when known (HCL); API JSON has none. */
  line?: number;
  /** 1-based column, for syntax errors. */
  column?: number;
  /** Block path (HCL) or JSON path (API JSON) of the item. */
  path?: string;
  /** For artifacts: the URL to fetch the image from. */
  source?: string;
}

/** A qemu task found in a Nomad job: the VM name it gets, where it is in the job, and whether it can be imported. */
export interface ImportFoundTask {
  name: string;
  group: string;
  nomadTask: string;
  valid: boolean;
}

/** What importing a Nomad job did: the VMs it created (none unless every selected task was valid). */
export interface ImportJobResult {
  ok: boolean;
  job?: { name: string; format: 'hcl' | 'json' };
  /** Names of the VMs created (none for a dry run). */
  vms: string[];
  /** Every selected qemu task, valid or not. */
  found: ImportFoundTask[];
  diagnostics: ImportDiagnostic[];
}

/** A Nomad job file the user picked in the native dialog: its name and text (read by main, size-limited). */
export interface PickedJobFile {
  path: string;
  name: string;
  text: string;
}

/** A VM exported as a Nomad job. */
export interface ExportJobResult {
  text: string;
  format: 'hcl' | 'json';
  /** Things the user should know about the exported job. */
  notes: string[];
  /** Where the job was written (`save`), or null when the save dialog was cancelled. */
  savedTo?: string | null;
}

/** One step of a Nomad submission (never carries the token). */
export type NomadSubmitEvent =
  | { kind: 'registered'; jobId: string; evalId: string; warnings: string }
  | { kind: 'evaluation'; evalId: string; status: string; description: string }
  | { kind: 'placement-failed'; group: string; detail: string }
  | { kind: 'allocation'; allocId: string; clientStatus: string; node?: string }
  | { kind: 'task-event'; allocId: string; task: string; time: string; type: string; message: string }
  | { kind: 'task-state'; allocId: string; task: string; state: string; failed: boolean };

/** How a Nomad submission ended. */
export interface NomadSubmitResult {
  jobId: string;
  evalId: string;
  allocId?: string;
  /** running / failed / timeout, or registered (with `detach`). */
  outcome: 'running' | 'failed' | 'timeout' | 'registered';
  reason?: string;
}

/** A file of a previous test run, for the Checks tab's evidence. */
export type TestFile = { kind: 'text'; text: string; size: number; offset: number } | { kind: 'png'; base64: string; size: number };

/** Every invoke channel. Channel name on the wire: `vmdesk:<key>`. */
export const invokeContract = {
  listVms: invoke<VmInfo[]>()(none),
  inspectVm: invoke<VmInfo>()(byName),
  /** The VM's saved task file (as written). */
  getTask: invoke<TaskFile>()(byName),
  /**
   * Validates a task as the driver would and previews the QEMU command line. Never starts anything.
   * `name`: the saved VM this task is (relative paths resolve in its task file's folder, as at start).
   */
  validateTask: invoke<ValidationResult>()(strictObject({ task: z.unknown(), name: vmName.optional() })),
  /**
   * Creates or replaces a VM definition (stored as a task file). `previousName`: the VM being edited
   * (saved in place when the name is the same, renamed otherwise); absent: a new VM.
   */
  saveTask: invoke<{ name: string; taskFile: string }>()(
    strictObject({ task: z.unknown(), previousName: vmName.optional() }),
  ),
  startVm: invoke<VmInfo>()(byName),
  stopVm: invoke<VmInfo>()(strictObject({ name: vmName, force: z.boolean().optional() })),
  restartVm: invoke<VmInfo>()(byName),
  /** Pauses a running VM's CPUs (QMP stop); QEMU and its ports stay up. */
  pauseVm: invoke<VmInfo>()(byName),
  /** Lets a paused VM run again (QMP cont). */
  resumeVm: invoke<VmInfo>()(byName),
  /** Reboots the guest in the same QEMU process (QMP system_reset, the reset button), unlike restartVm. */
  rebootVm: invoke<VmInfo>()(byName),
  /**
   * Copies a VM's task as `newName` (automatic host ports). `image`: `shared` (default; only one runs at a time),
   * `disposable` (the copy runs on a throw-away overlay) or `copy` (the copy gets its own copy of the image).
   */
  duplicateVm: invoke<{ name: string }>()(
    strictObject({ name: vmName, newName: vmName, image: z.enum(['shared', 'disposable', 'copy']).optional() }),
  ),
  deleteVm: invoke<void>()(strictObject({ name: vmName, removeLogs: z.boolean() })),
  vmEvents: invoke<VmEvent[]>()(byName),
  vmStats: invoke<StatsSample[]>()(byName),
  /** Starts pushing `consoleData` events for this VM (from `fromOffset`, default: the last 64 KiB). */
  consoleSubscribe: invoke<{ offset: number }>()(
    strictObject({ name: vmName, fromOffset: z.number().int().min(0).optional() }),
  ),
  consoleUnsubscribe: invoke<void>()(byName),
  consoleWrite: invoke<void>()(strictObject({ name: vmName, data: z.string().max(65536) })),
  /** A page of QEMU's stderr log or the console log, for the Logs tab. */
  readLog: invoke<LogPage>()(
    strictObject({
      name: vmName,
      stream: z.enum(['stderr', 'console']),
      offset: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(4 * 1024 * 1024).optional(),
    }),
  ),
  agentInterfaces: invoke<Array<{ name: string; addresses: Array<{ type: 'ipv4' | 'ipv6'; address: string; prefix: number }> }>>()(byName),
  /** Format, virtual size and backing file of an image the user picked (`name`: a relative path is in that VM's folder). */
  inspectImage: invoke<ImageInfo>()(strictObject({ path: z.string().min(1).max(4096), name: vmName.optional() })),
  /** The native file dialog; null when cancelled. A file outside the allowed folders: asks before allowing its folder. */
  pickImage: invoke<string | null>()(none),
  /** Asks the user (natively) to let VMs use the folder of this image (adds it to image_paths); `allowed`: the answer. */
  allowImageFolder: invoke<{ allowed: boolean; folder: string }>()(strictObject({ path: z.string().min(1).max(4096), name: vmName.optional() })),
  getSettings: invoke<Settings>()(none),
  /** Replaces settings (validated like the CLI's settings.json). */
  setSettings: invoke<Settings>()(strictObject({ settings: z.unknown() })),
  doctor: invoke<DoctorReport>()(none),
  /** Opens a forwarded port's URL in the system browser; only http(s) to a port this VM forwards. */
  openForwardedPort: invoke<void>()(strictObject({ name: vmName, label: z.string().max(63) })),
  /**
   * Imports the qemu tasks of a Nomad job (HCL2 or API JSON text) as VMs, each in its own task directory.
   * All or nothing: nothing is written unless every selected task is valid. `only`: one task (name or group/task).
   */
  importJob: invoke<ImportJobResult>()(
    strictObject({
      text: z.string().min(1).max(TASK_FILE_MAX_BYTES),
      only: z.string().min(1).max(200).optional(),
      /** Several tasks (each like `only`); with `only`, both count. */
      tasks: z.array(z.string().min(1).max(200)).min(1).max(64).optional(),
      /** Check and report only: nothing is written (the import dialog's preview). */
      dryRun: z.boolean().optional(),
    }),
  ),
  /** The native open dialog for a Nomad job file (.nomad, .hcl, .json); main reads it. Null when cancelled. */
  pickJobFile: invoke<PickedJobFile | null>()(none),
  /**
   * The VM as a Nomad job (HCL2 or API JSON) that runs it on a current Nomad. `artifactUrl`: where Nomad fetches
   * the image. `save`: also ask for a file with the native save dialog and write it (`savedTo`, null if cancelled).
   */
  exportJob: invoke<ExportJobResult>()(
    strictObject({
      name: vmName,
      format: z.enum(['hcl', 'json']),
      artifactUrl: z
        .string()
        .max(4096)
        .regex(/^[a-z][a-z0-9+.-]*::?\S+$/i, { error: 'an artifact URL Nomad understands (https://..., s3::..., git::...)' })
        .optional(),
      save: z.boolean().optional(),
    }),
  ),
  /**
   * Runs the VM on a Nomad cluster: exports it as a job, registers it (POST /v1/jobs) and follows the evaluation
   * and allocation until the task runs or fails (progress via `nomadSubmit`). Unset target fields come from the
   * saved Nomad settings (the saved token too), then NOMAD_ADDR / NOMAD_TOKEN / NOMAD_NAMESPACE / NOMAD_REGION
   * as the nomad CLI reads them. A token given here is used for this submission only (save it with setNomadSettings).
   */
  submitJob: invoke<NomadSubmitResult>()(
    strictObject({
      name: vmName,
      address: z.string().max(2048).optional(),
      token: z.string().max(4096).optional(),
      namespace: z.string().max(128).optional(),
      region: z.string().max(128).optional(),
      artifactUrl: z
        .string()
        .max(4096)
        .regex(/^[a-z][a-z0-9+.-]*::?\S+$/i, { error: 'an artifact URL Nomad understands (https://..., s3::..., git::...)' })
        .optional(),
      detach: z.boolean().optional(),
    }),
  ),
  /** The saved Nomad target and whether a token is saved (never the token). */
  getNomadSettings: invoke<NomadSettingsView>()(none),
  /**
   * Saves the Nomad target. `token` is kept only sealed by the OS keyring (Electron safeStorage); where there is
   * none it is not saved (`tokenStorage: 'unavailable'`). `forgetToken` removes a saved token.
   */
  setNomadSettings: invoke<NomadSettingsView>()(nomadSettingsRequestSchema),
  /** A one-use ws://127.0.0.1 URL for the VM's VNC display (the bridge to its private unix socket; src/main/display/vnc-bridge.ts). */
  displayOpen: invoke<{ url: string }>()(byName),
  /** Asks where to save (native dialog), then saves a PNG of the screen; path null when cancelled. */
  takeScreenshot: invoke<{ path: string | null }>()(byName),
  /** Presses key chords on the VM's keyboard (QEMU key names, e.g. ctrl-alt-delete). */
  sendKeys: invoke<void>()(strictObject({ name: vmName, keys: z.array(z.string().min(1).max(64)).min(1).max(32) })),
  listSnapshots: invoke<Snapshot[]>()(byName),
  saveSnapshot: invoke<Snapshot>()(strictObject({ name: vmName, tag: z.string().min(1).max(64) })),
  restoreSnapshot: invoke<Snapshot>()(strictObject({ name: vmName, tag: z.string().min(1).max(64) })),
  deleteSnapshot: invoke<Snapshot>()(strictObject({ name: vmName, tag: z.string().min(1).max(64) })),
  /** The artifact downloads of this session (Start fetches a VM's artifacts first), oldest first. */
  listDownloads: invoke<Download[]>()(none),
  /** Cancels the fetch of a VM's artifacts (its Start then fails with CANCELLED; the partial download resumes next time). */
  cancelDownload: invoke<void>()(byName),
  /** The artifact cache's place, size and entry count. */
  cacheInfo: invoke<CacheInfo>()(none),
  /** Removes every cache entry no VM's folder uses any more, and stale partial downloads. */
  clearCache: invoke<{ removed: number; partials: number; freedBytes: number; cache: CacheInfo }>()(none),
  /**
   * Opens an SSH terminal on a running VM with cloud_init (the system ssh with the VM's key and known_hosts, as
   * `vmdesk ssh`); output comes as `sshData` events of this session, its end as `sshExit`.
   */
  sshOpen: invoke<{ session: number }>()(strictObject({ name: vmName, cols: terminalCells, rows: terminalCells })),
  /** Keystrokes for an SSH terminal. */
  sshWrite: invoke<void>()(strictObject({ session: sshSession, data: z.string().max(65536) })),
  /** The SSH terminal's new size (becomes the remote pty's size). */
  sshResize: invoke<void>()(strictObject({ session: sshSession, cols: terminalCells, rows: terminalCells })),
  /** Ends an SSH terminal (its tab closed). */
  sshClose: invoke<void>()(strictObject({ session: sshSession })),
  /** Builds the small demo Linux image (progress via `demoProgress`); resolves to the new VM's name. */
  buildDemoImage: invoke<{ name: string }>()(none),
  /** The Checks tab: the `vmdesk test` command line, the test going on and the last runs (their report.json), newest first. */
  checksOverview: invoke<ChecksOverview>()(byName),
  /** Runs the VM's saved checks with `vmdesk test`'s engine on a disposable VM (progress via `checksProgress`); resolves once begun. */
  runChecks: invoke<{ resultsDir: string }>()(byName),
  /** Stops the test going on: the check running is cut short and the test VM is stopped. */
  stopChecks: invoke<void>()(byName),
  /** A file of a previous run of the VM's test: its console.log (text, the last MiB) or a kept screenshot (PNG). */
  readTestFile: invoke<TestFile>()(
    strictObject({
      name: vmName,
      run: z.string().regex(/^\d{8}T\d{6}Z(-\d+)?$/, { error: 'not a results folder name' }),
      file: z.string().max(200).regex(/^(run-\d{1,4}\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'not a results file name' }),
    }),
  ),
} as const;

/** Every event main pushes to the renderer. */
export interface EventContract {
  vmChanged: VmInfo;
  vmRemoved: { name: string };
  vmEvent: { name: string; event: VmEvent };
  vmStats: { name: string; sample: StatsSample };
  /**
   * Console bytes, base64-encoded (binary-safe), with the byte offset just after them. Sent at most about
   * 60 times a second per VM. `dropped`: bytes skipped just before this chunk because the renderer fell
   * too far behind (read them with `readLog` if needed).
   */
  consoleData: { name: string; data: string; offset: number; dropped?: number };
  demoProgress: { step: string; done: number; total: number };
  /** A VM's artifact download started, moved on (at most ~10 a second) or ended. */
  download: Download;
  /** Progress of a `submitJob` for VM `name`. */
  nomadSubmit: { name: string; event: NomadSubmitEvent };
  /** Output of an SSH terminal (`sshOpen`), base64-encoded. */
  sshData: { session: number; name: string; data: string };
  /** An SSH terminal ended: why, and whether trying again may help (sshd not up yet). */
  sshExit: { session: number; name: string; code: number | null; message: string; retry: boolean };
  /** Progress of the Checks tab's test of VM `name`. */
  checksProgress: { name: string; event: ChecksLiveEvent };
}

/** Names of the events, for the preload's allowlist. */
export const eventNames = [
  'vmChanged',
  'vmRemoved',
  'vmEvent',
  'vmStats',
  'consoleData',
  'demoProgress',
  'nomadSubmit',
  'download',
  'sshData',
  'sshExit',
  'checksProgress',
] as const satisfies ReadonlyArray<keyof EventContract>;

/** An invoke channel's key. */
export type InvokeName = keyof typeof invokeContract;
/** An event's key. */
export type EventName = keyof EventContract;
/** The request type a channel takes. */
export type InvokeRequest<K extends InvokeName> = z.input<(typeof invokeContract)[K]['request']>;
/** The request type after the main process parsed it (defaults and coercions applied): what handlers get. */
export type InvokeInput<K extends InvokeName> = z.output<(typeof invokeContract)[K]['request']>;
/** The result type a channel resolves to (inside IpcResult). */
export type InvokeResult<K extends InvokeName> = (typeof invokeContract)[K]['result'];

/** The wire channel name for an invoke key or event key. */
export function channelName(key: InvokeName | EventName): string {
  return `vmdesk:${key}`;
}

/** What the preload exposes as `window.api`: one function per invoke, plus `on`. */
export type VmdeskApi = {
  [K in InvokeName]: InvokeRequest<K> extends undefined
    ? () => Promise<IpcResult<InvokeResult<K>>>
    : (request: InvokeRequest<K>) => Promise<IpcResult<InvokeResult<K>>>;
} & {
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventContract[E]) => void): () => void;
};
