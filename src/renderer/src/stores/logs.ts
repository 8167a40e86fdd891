// The Logs tab's data: QEMU's stderr and vmdesk's events, as compact line stores per VM. A big stderr log is
// read tail first (the first screen at once); older pages are loaded backwards on request (loadOlder).
// The LogLines objects are mutable and live outside React state; `version` bumps tell views to redraw.
import { create } from 'zustand';
import type { VmEvent } from '../../../shared/vm';
import type { ErrorData } from '../../../shared/errors';
import { call } from '../api';
import { LogLines } from '../lib/log-lines';
import { olderRange, splitOlderPage, tailStart, takeHead } from '../lib/log-paging';
import { PagedLog } from '../lib/log-view';
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
  /** Bytes of the log before the loaded lines that are not loaded yet (0: all loaded). */
  olderBytes: number;
  /** An older page is being read. */
  loadingOlder: boolean;
  error?: ErrorData;
}

interface LogBuffer {
  lines: LogLines;
  view: PagedLog;
  stderrOffset: number;
  partial: string;
  busy: boolean;
  /** Log offset of the first loaded byte; older bytes are loaded by loadOlder. */
  olderFrom: number;
  /** The start of the first loaded text up to its first newline (a line whose start is older). */
  head: string;
  /** The next read begins mid-line: its text before the first newline becomes `head`. */
  skipHead: boolean;
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
  /** Loads the next older page of QEMU's log in front of the loaded lines. */
  loadOlder(name: string): Promise<void>;
  addEvent(name: string, event: VmEvent): void;
  forget(name: string): void;
}

/** The lines of a VM's log as the tab reads them (undefined until opened). */
export function logLines(name: string): PagedLog | undefined {
  return buffers.get(name)?.view;
}

/** How an event reads as a log line. */
export function eventLine(e: VmEvent): string {
  return `${formatClock(e.at)} [${e.kind}] ${e.type}: ${e.message}`;
}

/** The logs store. */
export const useLogs = create<LogsState>((set, get) => {
  const patch = (name: string, p: Partial<LogStatus>) => {
    const prev = get().status[name] ?? { version: 0, loading: false, loadedBytes: 0, totalBytes: 0, olderBytes: 0, loadingOlder: false };
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
        buf.skipHead = false;
        buf.lines.append('event', ['— QEMU’s stderr log was restarted —']);
        continue;
      }
      let text = page.text;
      if (buf.skipHead) {
        const split = takeHead(text);
        buf.head += split.head;
        text = split.text;
        buf.skipHead = split.text === '' && page.nextOffset < page.size;
      }
      const { lines, rest } = splitPlainLines(buf.partial + text);
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
      const lines = new LogLines();
      const buf: LogBuffer = { lines, view: new PagedLog(lines), stderrOffset: 0, partial: '', busy: true, olderFrom: 0, head: '', skipHead: false };
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
        // The tail first: its size from a one-byte read, then the last LOG_TAIL_BYTES (older pages on request).
        const probe = await call((a) => a.readLog({ name, stream: 'stderr', offset: 0, limit: 1 }));
        const start = probe.ok ? tailStart(probe.value.size) : 0;
        buf.stderrOffset = buf.olderFrom = start;
        buf.skipHead = start > 0;
        await readMore(name, buf, true);
        patch(name, { olderBytes: buf.olderFrom });
      } finally {
        buf.busy = false;
        patch(name, { loading: false });
      }
    },
    async loadOlder(name) {
      const buf = buffers.get(name);
      const range = buf ? olderRange(buf.olderFrom) : undefined;
      if (!buf || !range || get().status[name]?.loadingOlder) return;
      patch(name, { loadingOlder: true });
      try {
        const r = await call((a) => a.readLog({ name, stream: 'stderr', offset: range.offset, limit: range.limit }));
        if (!r.ok) return patch(name, { error: r.error });
        // Rotation may have deleted the bytes asked for: what is left starts the log.
        const gone = r.value.offset > range.offset || (r.value.dropped ?? 0) > 0;
        const text = gone ? '' : r.value.text;
        const page = splitOlderPage(text, !gone && range.offset > 0, buf.head);
        buf.head = page.head;
        buf.view.prepend(gone ? [...(buf.head ? [buf.head] : []), '— older lines were rotated away —'] : page.lines);
        buf.olderFrom = gone ? 0 : range.offset;
        if (gone) buf.head = '';
        patch(name, { olderBytes: buf.olderFrom });
      } finally {
        patch(name, { loadingOlder: false });
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
