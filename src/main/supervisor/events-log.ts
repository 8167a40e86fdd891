// The VM's timeline, persisted as append-only JSON lines (<vmDir>/events.jsonl). Appends are single
// write() calls with O_APPEND, so concurrent writers never interleave within a line; a torn last line
// (a writer killed mid-write) is skipped on read. The file is bounded: past EVENTS_FILE_MAX_BYTES it becomes
// events.jsonl.1 (replacing the previous one) and a new file starts, so a VM running for months keeps the
// newest events without filling the disk.
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { VmEvent } from '../../shared/vm';
import { isDiskFullError } from './disk-space';

/** Most events kept in memory / returned by default. */
export const EVENTS_READ_LIMIT = 1000;

/** The events file of a VM directory. */
export function eventsPath(vmDir: string): string {
  return join(vmDir, 'events.jsonl');
}

/** Size at which events.jsonl is rotated to events.jsonl.1. */
export const EVENTS_FILE_MAX_BYTES = 4 * 1024 * 1024;

/** Appends one event (rotating the file first when it has reached `maxBytes`). */
export function appendEvent(vmDir: string, event: VmEvent, maxBytes = EVENTS_FILE_MAX_BYTES): void {
  const path = eventsPath(vmDir);
  if (sizeOf(path) >= maxBytes) renameSync(path, `${path}.1`); // atomic: a concurrent appender opens the new file
  appendFileSync(path, JSON.stringify(event) + '\n', { mode: 0o600 });
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Parses events.jsonl text, skipping lines that are not whole events. Pure. */
export function parseEvents(text: string, limit = EVENTS_READ_LIMIT): VmEvent[] {
  const out: VmEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as VmEvent;
      if (e && typeof e.at === 'string' && typeof e.type === 'string') out.push(e);
    } catch {
      // torn line from a writer that died mid-write
    }
  }
  return out.slice(-limit);
}

/** Bytes read from the end of events.jsonl at most (the newest events; the file itself is never loaded whole). */
export const EVENTS_READ_MAX_BYTES = 2 * 1024 * 1024;

/** Reads the newest `limit` events (from events.jsonl.1 too when the current file has fewer). */
export function readEvents(vmDir: string, limit = EVENTS_READ_LIMIT): VmEvent[] {
  const current = readEventsFile(eventsPath(vmDir), limit);
  if (current.length >= limit) return current;
  return [...readEventsFile(`${eventsPath(vmDir)}.1`, limit - current.length), ...current];
}

function readEventsFile(path: string, limit: number): VmEvent[] {
  if (limit <= 0 || !existsSync(path)) return [];
  const size = statSync(path).size;
  if (size <= EVENTS_READ_MAX_BYTES) return parseEvents(readFileSync(path, 'utf8'), limit);
  const buf = Buffer.alloc(EVENTS_READ_MAX_BYTES);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, size - buf.length);
  } finally {
    closeSync(fd);
  }
  const text = buf.toString('utf8');
  return parseEvents(text.slice(text.indexOf('\n') + 1), limit); // the first line is cut: drop it
}

/** Outcome of a journal append. */
export type JournalResult = { ok: true } | { ok: false; diskFull: boolean; error: Error; path: string };

/**
 * Appends events to events.jsonl; on a full disk (ENOSPC/EDQUOT) keeps them in memory, in order, and writes
 * them before the next event that fits. So the file ends up with the whole story (the "disk full" event, what
 * happened meanwhile, the "resumed" event) and nothing is written twice. A write cut short by the full disk
 * leaves a torn line: the next write starts on a fresh line (readers skip the torn one).
 */
export class EventJournal {
  private readonly pending = new Map<string, { events: VmEvent[]; dropped: number }>();
  private readonly mayBeTorn = new Set<string>();

  constructor(private readonly maxPending = EVENTS_READ_LIMIT) {}

  /** Appends `e` (after anything still pending for this VM directory). */
  append(vmDir: string, e: VmEvent): JournalResult {
    const backlog = this.pending.get(vmDir) ?? { events: [], dropped: 0 };
    backlog.events.push(e);
    this.pending.set(vmDir, backlog);
    const r = this.flush(vmDir);
    // Still refused: bound the backlog, keeping the first (the event that says why) and the newest.
    while (!r.ok && r.diskFull && backlog.events.length > this.maxPending) {
      backlog.events.splice(1, 1);
      backlog.dropped++;
    }
    return r;
  }

  /** Writes what is pending for a VM directory; ok when nothing is left. */
  flush(vmDir: string): JournalResult {
    const backlog = this.pending.get(vmDir);
    if (!backlog) return { ok: true };
    const path = eventsPath(vmDir);
    try {
      if (this.mayBeTorn.has(vmDir)) {
        if (endsMidLine(path)) appendFileSync(path, '\n', { mode: 0o600 });
        this.mayBeTorn.delete(vmDir);
      }
      while (backlog.events.length > 0) {
        appendEvent(vmDir, backlog.events[0]!);
        backlog.events.shift();
        if (backlog.dropped > 0) {
          const note: VmEvent = { at: new Date().toISOString(), kind: 'error', type: 'events-dropped', message: `${backlog.dropped} events were dropped while the disk was full (at most ${this.maxPending} are kept in memory)`, data: { dropped: backlog.dropped } };
          appendEvent(vmDir, note);
          backlog.dropped = 0;
        }
      }
      this.pending.delete(vmDir);
      return { ok: true };
    } catch (err) {
      const diskFull = isDiskFullError(err);
      if (diskFull) this.mayBeTorn.add(vmDir);
      else this.pending.delete(vmDir); // the directory is gone or unwritable for good: nothing to keep them for
      return { ok: false, diskFull, error: err as Error, path };
    }
  }

  /** Events accepted but not yet on disk (oldest first). */
  pendingFor(vmDir: string): VmEvent[] {
    return [...(this.pending.get(vmDir)?.events ?? [])];
  }

  /** Forgets a VM directory's backlog (the VM was removed). */
  forget(vmDir: string): void {
    this.pending.delete(vmDir);
    this.mayBeTorn.delete(vmDir);
  }
}

function endsMidLine(path: string): boolean {
  if (!existsSync(path)) return false;
  const size = statSync(path).size;
  if (size === 0) return false;
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}
