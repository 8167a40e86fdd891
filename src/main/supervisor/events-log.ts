// The VM's timeline, persisted as append-only JSON lines (<vmDir>/events.jsonl). Appends are single
// write() calls with O_APPEND, so concurrent writers never interleave within a line; a torn last line
// (a writer killed mid-write) is skipped on read.
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { VmEvent } from '../../shared/vm';

/** Most events kept in memory / returned by default. */
export const EVENTS_READ_LIMIT = 1000;

/** The events file of a VM directory. */
export function eventsPath(vmDir: string): string {
  return join(vmDir, 'events.jsonl');
}

/** Appends one event. */
export function appendEvent(vmDir: string, event: VmEvent): void {
  appendFileSync(eventsPath(vmDir), JSON.stringify(event) + '\n', { mode: 0o600 });
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

/** Reads the newest `limit` events. */
export function readEvents(vmDir: string, limit = EVENTS_READ_LIMIT): VmEvent[] {
  const path = eventsPath(vmDir);
  if (!existsSync(path)) return [];
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
