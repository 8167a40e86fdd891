// The Logs tab's data: QEMU's stderr (read in pages) and vmdesk's events, as compact line stores per VM.
// The LogLines objects are mutable and live outside React state; `version` bumps tell views to redraw.
import { create } from 'zustand';
import type { VmEvent } from '../../../shared/vm';
import type { ErrorData } from '../../../shared/errors';
import { call } from '../api';
import { LogLines } from '../lib/log-lines';
import { splitPlainLines } from '../lib/ansi';
import { formatClock } from '../lib/format';

/** Bytes asked for per readLog page (the contract allows up to 4 MiB). */
export const LOG_PAGE_BYTES = 4 * 1024 * 1024;

/** Progress and status of one VM's log. */
export interface LogStatus {
  version: number;
  loading: boolean;
  loadedBytes: number;
  totalBytes: number;
  error?: ErrorData;
}

interface LogBuffer {
  lines: LogLines;
  stderrOffset: number;
  partial: string;
  busy: boolean;
}

const buffers = new Map<string, LogBuffer>();
/** Events that arrive while a buffer's history is being fetched. */
const pendingLive = new Map<string, VmEvent[]>();

interface LogsState {
  status: Record<string, LogStatus>;
  /** Creates the VM's buffer on first use (its events so far, then everything QEMU wrote) and reads it. */
  open(name: string): Promise<void>;
  /** Reads what QEMU wrote since the last read. */
  poll(name: string): Promise<void>;
  addEvent(name: string, event: VmEvent): void;
  forget(name: string): void;
}

/** The line store of a VM's log (undefined until opened). */
export function logLines(name: string): LogLines | undefined {
  return buffers.get(name)?.lines;
}

/** How an event reads as a log line. */
export function eventLine(e: VmEvent): string {
  return `${formatClock(e.at)} [${e.kind}] ${e.type}: ${e.message}`;
}

/** The logs store. */
export const useLogs = create<LogsState>((set, get) => {
  const patch = (name: string, p: Partial<LogStatus>) => {
    const prev = get().status[name] ?? { version: 0, loading: false, loadedBytes: 0, totalBytes: 0 };
    set({ status: { ...get().status, [name]: { ...prev, ...p, version: prev.version + 1 } } });
  };

  async function readMore(name: string, buf: LogBuffer, showProgress: boolean): Promise<void> {
    for (;;) {
      const r = await call((a) => a.readLog({ name, stream: 'stderr', offset: buf.stderrOffset, limit: LOG_PAGE_BYTES }));
      if (!r.ok) {
        patch(name, { loading: false, error: r.error });
        return;
      }
      const page = r.value;
      if (page.size < buf.stderrOffset) {
        // The file was truncated (QEMU restarted): start over from its beginning.
        buf.stderrOffset = 0;
        buf.partial = '';
        buf.lines.append('event', ['— QEMU’s stderr log was restarted —']);
        continue;
      }
      const { lines, rest } = splitPlainLines(buf.partial + page.text);
      buf.partial = rest;
      buf.lines.append('stderr', lines);
      buf.stderrOffset = page.nextOffset;
      const more = page.nextOffset < page.size && page.nextOffset > page.offset;
      patch(name, { loadedBytes: page.nextOffset, totalBytes: page.size, loading: showProgress && more, error: undefined });
      if (!more) return;
      // Let the page paint the progress between pages.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  return {
    status: {},
    async open(name) {
      if (buffers.has(name)) return get().poll(name);
      const buf: LogBuffer = { lines: new LogLines(), stderrOffset: 0, partial: '', busy: true };
      buffers.set(name, buf);
      patch(name, { loading: true });
      // The events so far come first; events that arrive from now on are appended live by addEvent.
      const live: VmEvent[] = [];
      pendingLive.set(name, live);
      const events = await call((a) => a.vmEvents({ name }));
      pendingLive.delete(name);
      const known = events.ok ? events.value : [];
      const lastAt = known.length ? known[known.length - 1]!.at : '';
      buf.lines.append('event', [...known, ...live.filter((e) => e.at > lastAt)].map(eventLine));
      try {
        await readMore(name, buf, true);
      } finally {
        buf.busy = false;
        patch(name, { loading: false });
      }
    },
    async poll(name) {
      const buf = buffers.get(name);
      if (!buf || buf.busy) return;
      buf.busy = true;
      try {
        await readMore(name, buf, false);
      } finally {
        buf.busy = false;
      }
    },
    addEvent(name, event) {
      const waiting = pendingLive.get(name);
      if (waiting) return void waiting.push(event);
      const buf = buffers.get(name);
      if (!buf) return;
      buf.lines.append('event', [eventLine(event)]);
      patch(name, {});
    },
    forget(name) {
      buffers.delete(name);
      const status = { ...get().status };
      delete status[name];
      set({ status });
    },
  };
});
