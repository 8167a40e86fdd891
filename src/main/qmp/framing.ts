// Line framing for QMP and the guest agent, apart from the protocol (as QEMU's python/qemu/qmp does):
// bytes in, complete JSON lines out. Pure: no sockets, no timers.

/** The guest agent's resync sentinel: `guest-sync-delimited` prefixes its reply with this byte (qga/qapi-schema.json). */
export const SENTINEL = 0xff;

/** Longest line accepted; a peer that sends more without a newline is broken (or hostile). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Splits a byte stream into newline-terminated lines, whatever the chunk boundaries. */
export class LineFramer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** When set, bytes are discarded up to and including the next SENTINEL byte. */
  private awaitingSentinel = false;

  /** Discards input up to and including the next 0xFF (used right after sending guest-sync-delimited). */
  expectSentinel(): void {
    this.awaitingSentinel = true;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** True while still waiting for the sentinel. */
  get waitingForSentinel(): boolean {
    return this.awaitingSentinel;
  }

  /** Feeds a chunk; returns the complete lines it finished (without `\n` or a trailing `\r`), skipping blank ones. */
  push(chunk: Uint8Array): string[] {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.awaitingSentinel) {
      const at = buf.indexOf(SENTINEL);
      if (at < 0) return [];
      this.awaitingSentinel = false;
      buf = buf.subarray(at + 1);
    }
    const lines: string[] = [];
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      const part = buf.subarray(start, nl);
      const whole = this.pending.length ? Buffer.concat([...this.pending, part]) : part;
      this.pending = [];
      this.pendingBytes = 0;
      const line = whole.toString('utf8').replace(/\r$/, '');
      if (line.trim() !== '') lines.push(line);
      start = nl + 1;
    }
    if (start < buf.length) {
      const rest = Buffer.from(buf.subarray(start));
      this.pendingBytes += rest.length;
      if (this.pendingBytes > MAX_LINE_BYTES) {
        this.pending = [];
        this.pendingBytes = 0;
        throw new Error(`line longer than ${MAX_LINE_BYTES} bytes without a newline`);
      }
      this.pending.push(rest);
    }
    return lines;
  }

  /** Bytes held for an unfinished line. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }
}

/** A parsed QMP/agent message: a reply (`return` or `error`, maybe with `id`), an event, or the greeting. */
export type QmpMessage =
  | { kind: 'greeting'; version?: { qemu?: { major: number; minor: number; micro: number }; package?: string }; capabilities: string[] }
  | { kind: 'return'; id?: unknown; value: unknown }
  | { kind: 'error'; id?: unknown; errorClass: string; desc: string }
  | { kind: 'event'; event: string; data: Record<string, unknown>; timestamp?: { seconds: number; microseconds: number } };

/** Classifies one JSON line as QEMU sends it (docs/interop/qmp-spec.rst, section 2); throws on anything else. */
export function parseQmpLine(line: string): QmpMessage {
  const msg: unknown = JSON.parse(line);
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) throw new Error(`not a JSON object: ${line.slice(0, 200)}`);
  const m = msg as Record<string, unknown>;
  if ('QMP' in m) {
    const q = (m.QMP ?? {}) as { version?: QmpGreetingVersion; capabilities?: unknown };
    return { kind: 'greeting', version: q.version, capabilities: Array.isArray(q.capabilities) ? q.capabilities.map(String) : [] };
  }
  if ('return' in m) return { kind: 'return', id: m.id, value: m.return };
  if ('error' in m) {
    const e = (m.error ?? {}) as { class?: unknown; desc?: unknown };
    return { kind: 'error', id: m.id, errorClass: String(e.class ?? 'GenericError'), desc: String(e.desc ?? 'unknown error') };
  }
  if (typeof m.event === 'string') {
    return {
      kind: 'event',
      event: m.event,
      data: (m.data && typeof m.data === 'object' ? m.data : {}) as Record<string, unknown>,
      timestamp: m.timestamp as { seconds: number; microseconds: number } | undefined,
    };
  }
  throw new Error(`unrecognised QMP message: ${line.slice(0, 200)}`);
}

type QmpGreetingVersion = { qemu?: { major: number; minor: number; micro: number }; package?: string };

/** One command as sent on the wire: `{"execute": ..., "arguments": ..., "id": ...}` plus a newline. */
export function encodeCommand(execute: string, args?: Record<string, unknown>, id?: string | number): string {
  const cmd: Record<string, unknown> = { execute };
  if (args !== undefined) cmd.arguments = args;
  if (id !== undefined) cmd.id = id;
  return JSON.stringify(cmd) + '\n';
}
