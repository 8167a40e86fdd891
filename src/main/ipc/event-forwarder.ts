// Pushes app events to the renderer. Console output is batched per VM and rate-limited so a chatty guest
// cannot flood the renderer: at most one message per VM per flush interval, each at most maxBytesPerFlush,
// and when more than maxPendingBytes wait, the oldest are dropped (the renderer sees `dropped` and can
// read them from the console log; the Console tab says where bytes were skipped).
import { Buffer } from 'node:buffer';
import { channelName, type EventContract, type EventName } from '../../shared/ipc-contract';
import type { AppEventSink } from '../app/app-events';

/** Sends one event to the window (webContents.send in the app). */
export type SendEvent = (channel: string, payload: unknown) => void;

/** Tuning of the console batching. */
export interface ForwarderOptions {
  /** Flush interval in ms: about one animation frame. */
  flushMs: number;
  maxBytesPerFlush: number;
  maxPendingBytes: number;
}

/** Defaults: ~60 messages a second per VM, 256 KiB each, 4 MiB backlog. */
export const DEFAULT_FORWARDER_OPTIONS: ForwarderOptions = {
  flushMs: 16,
  maxBytesPerFlush: 256 * 1024,
  maxPendingBytes: 4 * 1024 * 1024,
};

interface Pending {
  chunks: Uint8Array[];
  bytes: number;
  /** Console offset just after the last pending byte. */
  endOffset: number;
  dropped: number;
}

/** An AppEventSink that sends to the renderer; close() stops timers and drops the backlog. */
export function createEventForwarder(
  send: SendEvent,
  options: Partial<ForwarderOptions> = {},
): AppEventSink & { close(): void; flushNow(): void } {
  const opts = { ...DEFAULT_FORWARDER_OPTIONS, ...options };
  const pending = new Map<string, Pending>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const schedule = () => {
    if (timer === undefined && !closed && pending.size > 0) timer = setTimeout(flush, opts.flushMs);
  };

  function takeFront(p: Pending, limit: number): Uint8Array {
    const out = Buffer.allocUnsafe(Math.min(limit, p.bytes));
    let filled = 0;
    while (filled < out.length) {
      const head = p.chunks[0]!;
      const n = Math.min(head.length, out.length - filled);
      out.set(head.subarray(0, n), filled);
      filled += n;
      if (n === head.length) p.chunks.shift();
      else p.chunks[0] = head.subarray(n);
    }
    p.bytes -= out.length;
    return out;
  }

  function flush(): void {
    timer = undefined;
    flushOnce();
    schedule();
  }

  function flushOnce(): void {
    for (const [name, p] of pending) {
      const data = takeFront(p, opts.maxBytesPerFlush);
      const payload: EventContract['consoleData'] = {
        name,
        data: Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64'),
        offset: p.endOffset - p.bytes,
      };
      if (p.dropped > 0) payload.dropped = p.dropped;
      p.dropped = 0;
      if (p.bytes === 0) pending.delete(name);
      send(channelName('consoleData'), payload);
    }
  }

  return {
    emit<E extends Exclude<EventName, 'consoleData'>>(event: E, payload: EventContract[E]): void {
      if (!closed) send(channelName(event), payload);
    },
    console(name: string, bytes: Uint8Array, endOffset: number): void {
      if (closed || bytes.length === 0) return;
      let p = pending.get(name);
      if (!p) {
        p = { chunks: [], bytes: 0, endOffset, dropped: 0 };
        pending.set(name, p);
      }
      p.chunks.push(new Uint8Array(bytes)); // a copy: the console follower reuses its buffer for the next read
      p.bytes += bytes.length;
      p.endOffset = endOffset;
      if (p.bytes > opts.maxPendingBytes) {
        const excess = p.bytes - opts.maxPendingBytes;
        takeFront(p, excess);
        p.dropped += excess;
      }
      schedule();
    },
    flushNow(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      while (pending.size > 0) flushOnce();
    },
    close(): void {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending.clear();
    },
  };
}
