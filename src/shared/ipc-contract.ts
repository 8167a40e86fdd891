// The one IPC contract: every invoke channel (request schema + result type) and every event (payload type).
// The preload derives one named function per entry; the main process derives its handler table from it.
import { z } from 'zod';
import type { ErrorData } from './errors';
import type { DoctorReport } from './doctor';
import type { ImageInfo, PortForward } from './plan';
import type { Settings } from './settings';
import type { TaskFile } from './task';
import type { StatsSample, VmEvent, VmInfo } from './vm';
import { VM_NAME_PATTERN } from './limits';
import { strictObject } from './schema-helpers';

/** What every invoke resolves to: errors cross IPC as data with a stable code. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

const vmName = z.string().max(63).regex(VM_NAME_PATTERN, { error: 'not a valid VM name' });
const none = z.undefined();
const byName = strictObject({ name: vmName });

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
}

/** Every invoke channel. Channel name on the wire: `vmdesk:<key>`. */
export const invokeContract = {
  listVms: invoke<VmInfo[]>()(none),
  inspectVm: invoke<VmInfo>()(byName),
  /** The VM's saved task file (as written). */
  getTask: invoke<TaskFile>()(byName),
  /** Validates a task as the driver would and previews the QEMU command line. Never starts anything. */
  validateTask: invoke<ValidationResult>()(strictObject({ task: z.unknown() })),
  /** Creates or replaces a VM definition (stored as a task file). `previousName` renames. */
  saveTask: invoke<{ name: string; taskFile: string }>()(
    strictObject({ task: z.unknown(), previousName: vmName.optional() }),
  ),
  startVm: invoke<VmInfo>()(byName),
  stopVm: invoke<VmInfo>()(strictObject({ name: vmName, force: z.boolean().optional() })),
  restartVm: invoke<VmInfo>()(byName),
  duplicateVm: invoke<{ name: string }>()(strictObject({ name: vmName, newName: vmName })),
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
  /** Format, virtual size and backing file of an image the user picked. */
  inspectImage: invoke<ImageInfo>()(strictObject({ path: z.string().min(1).max(4096) })),
  /** The native file dialog; null when cancelled. */
  pickImage: invoke<string | null>()(none),
  getSettings: invoke<Settings>()(none),
  /** Replaces settings (validated like the CLI's settings.json). */
  setSettings: invoke<Settings>()(strictObject({ settings: z.unknown() })),
  doctor: invoke<DoctorReport>()(none),
  /** Opens a forwarded port's URL in the system browser; only http(s) to a port this VM forwards. */
  openForwardedPort: invoke<void>()(strictObject({ name: vmName, label: z.string().max(63) })),
  /** Builds the small demo Linux image (progress via `demoProgress`); resolves to the new VM's name. */
  buildDemoImage: invoke<{ name: string }>()(none),
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
}

/** Names of the events, for the preload's allowlist. */
export const eventNames = [
  'vmChanged',
  'vmRemoved',
  'vmEvent',
  'vmStats',
  'consoleData',
  'demoProgress',
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
