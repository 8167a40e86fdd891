// The per-VM state record (vm.json in the VM's directory): what a later vmdesk process needs to find,
// verify and control a VM it did not start. Written atomically; a corrupt record is quarantined, never fatal.
import { existsSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { checkFields, type FieldRule } from './record-check';
import type { TpmProcess } from './hardware';
import type { Plan } from '../../shared/plan';
import type { ExitRecord, VmState } from '../../shared/vm';
import { vmsDir } from '../store/paths';
import { writeFileAtomic, writeFileAtomicVisible } from './atomic-file';

/** File name of the record inside the VM directory. */
export const RECORD_FILE = 'vm.json';

/** The persisted state of one VM. */
export interface StateRecord {
  version: 1;
  name: string;
  state: VmState;
  /** QEMU's -uuid, checked with QMP query-uuid on re-attach. */
  uuid: string;
  plan: Plan;
  taskFile?: string;
  pid?: number;
  /** /proc/<pid>/stat starttime (clock ticks since boot): tells a reused pid apart. */
  pidStartTime?: number;
  startedAt?: string;
  createdAt: string;
  lastExit?: ExitRecord;
  /** Set while a stop is in progress (so another process reports "stopping"). */
  stopRequestedAt?: string;
  /** The VM's swtpm (plan.tpm), started before QEMU. */
  tpm?: TpmProcess;
}

/** What a readable record has (vmdesk's own file: a structural check, see record-check.ts). */
const RECORD_RULE: FieldRule = {
  object: {
    version: { oneOf: [1] },
    name: 'nonempty',
    state: { oneOf: ['starting', 'running', 'paused', 'stopping', 'exited', 'crashed', 'lost'] },
    uuid: 'nonempty',
    plan: {
      object: {
        name: 'string',
        binary: 'string',
        argv: { array: 'string' },
        ports: { array: { object: { label: 'string', host: 'number', guest: 'number', bind: 'string' } } },
        paths: { object: { vmDir: 'string', runtimeDir: 'string', qmpSocket: 'string', consoleSocket: 'string', consoleLog: 'string', stderrLog: 'string' } },
        task: { object: { name: 'string', kill_timeout_ms: 'number', config: { object: { graceful_shutdown: 'boolean', guest_agent: 'boolean' } } } },
      },
    },
    taskFile: { optional: 'string' },
    pid: { optional: 'positive-int' },
    pidStartTime: { optional: 'number' },
    startedAt: { optional: 'string' },
    createdAt: 'string',
    lastExit: { optional: { object: { at: 'string', summary: 'string' } } },
    stopRequestedAt: { optional: 'string' },
  },
};

/** The record's path for a VM directory. */
export function recordPath(vmDir: string): string {
  return join(vmDir, RECORD_FILE);
}

/** Writes the record atomically and durably (fsync of the file and the directory) before returning. */
export function writeRecord(vmDir: string, record: StateRecord): void {
  writeFileAtomic(recordPath(vmDir), JSON.stringify(record, null, 2) + '\n');
}

/**
 * Writes the record atomically, visible to every process at once; it reaches the disk in the background
 * (the promise settles then; it never rejects). For the records of a live VM (starting, running, paused,
 * stopping): what recovery needs from them is that a later vmdesk process can read them after this one is
 * SIGKILLed, and a rename is in the shared page cache the moment it returns. Durability guards against an
 * OS crash or power cut, which no QEMU survives either: after one, a live-state record that did not reach
 * the disk is stale (the previous record, reconciled to "exited" because its pid is gone) or, on some
 * filesystems, empty (quarantined as corrupt and reported), and no running QEMU is lost track of.
 * A VM's final record (exited, crashed) is written with writeRecord: it is what outlives a reboot.
 */
export function writeRecordVisible(vmDir: string, record: StateRecord): Promise<void> {
  return writeFileAtomicVisible(recordPath(vmDir), JSON.stringify(record, null, 2) + '\n');
}

/** Result of reading a record. */
export type ReadRecordResult = { ok: true; record: StateRecord } | { ok: false; missing: true } | { ok: false; missing: false; reason: string };

/** Reads and validates a record; never throws for bad content. */
export function readRecord(vmDir: string): ReadRecordResult {
  const path = recordPath(vmDir);
  if (!existsSync(path)) return { ok: false, missing: true };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    // Removed by another process (destroy) between the check and the read: missing, not corrupt.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, missing: true };
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, missing: false, reason: `not valid JSON (${(err as Error).message})` };
  }
  const wrong = checkFields(raw, RECORD_RULE);
  if (wrong) return { ok: false, missing: false, reason: wrong };
  return { ok: true, record: raw as StateRecord };
}

/**
 * The uuid of the record in `vmDir` without validating the rest: 'missing' when there is none, undefined when
 * it is unreadable or has no uuid. For the exit path, which only asks whose run the directory holds: the full
 * schema check cost 0.2-0.5 ms there (more under load) between QEMU's exit and the notification (issue #19).
 */
export function readRecordUuid(vmDir: string): string | 'missing' | undefined {
  let text: string;
  try {
    text = readFileSync(recordPath(vmDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return undefined;
  }
  try {
    const uuid = (JSON.parse(text) as { uuid?: unknown } | null)?.uuid;
    return typeof uuid === 'string' ? uuid : undefined;
  } catch {
    return undefined;
  }
}

/** Moves a corrupt record aside (vm.json.corrupt-<time>) so it is kept for inspection; returns the new path. */
export function quarantineRecord(vmDir: string): string {
  const to = join(vmDir, `${RECORD_FILE}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  renameSync(recordPath(vmDir), to);
  return to;
}

/** Names of every VM directory under $VMDESK_HOME/vms that holds a record (valid or not). */
export function listRecordNames(home: string): string[] {
  const dir = vmsDir(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, RECORD_FILE)))
    .map((d) => d.name)
    .sort();
}
