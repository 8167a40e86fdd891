// Guest agent (qemu-ga) client over the virtio-serial chardev socket (qga/qapi-schema.json).
// The agent protocol has no `id`: one command in flight at a time, answers in order. QEMU accepts the
// connection even when no agent runs in the guest, so every call has a deadline; after a timeout the
// stream is out of step and the connection is dropped (the next session resyncs with guest-sync-delimited).
import { createConnection, type Socket } from 'node:net';
import { encodeCommand, LineFramer, parseQmpLine, SENTINEL } from './framing';
import { QmpCommandError, QmpDisconnectedError, QmpTimeoutError } from './errors';

/** A guest network interface, as `guest-network-get-interfaces` reports it (normalised names). */
export interface GuestInterface {
  name: string;
  hardwareAddress?: string;
  addresses: Array<{ type: 'ipv4' | 'ipv6'; address: string; prefix: number }>;
}

/** The result of a `guest-exec` run to completion. */
export interface GuestExecResult {
  exitCode: number;
  /** Set when the process was killed by a signal. */
  signal?: number;
  stdout: string;
  stderr: string;
  /** True when qemu-ga truncated captured output. */
  truncated: boolean;
}

/** Default deadline for one agent call. */
export const AGENT_CALL_TIMEOUT_MS = 5_000;

/** A synced session with qemu-ga. Open with GuestAgentClient.connect, close when done (one client at a time). */
export class GuestAgentClient {
  private queue: Promise<unknown> = Promise.resolve();
  private waiter: { resolve: (line: string) => void; reject: (err: Error) => void } | undefined;
  private readonly lines: string[] = [];
  private closedErr: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly framer: LineFramer,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      let got: string[];
      try {
        got = framer.push(chunk);
      } catch (err) {
        socket.destroy(err as Error);
        return;
      }
      for (const l of got) this.deliver(l);
    });
    socket.on('close', () => {
      this.closedErr = new QmpDisconnectedError('guest agent');
      const w = this.waiter;
      this.waiter = undefined;
      w?.reject(this.closedErr);
    });
    socket.on('error', () => undefined);
  }

  /** Connects and syncs (`guest-sync-delimited`); rejects with QmpTimeoutError when no agent answers. */
  static async connect(path: string, opts: { timeoutMs?: number } = {}): Promise<GuestAgentClient> {
    const timeoutMs = opts.timeoutMs ?? AGENT_CALL_TIMEOUT_MS;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection({ path });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new QmpTimeoutError('guest agent connect', timeoutMs));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new QmpDisconnectedError('guest agent', `cannot connect to ${path}: ${err.code ?? err.message}`));
      });
    });
    const client = new GuestAgentClient(socket, new LineFramer(), timeoutMs);
    try {
      await client.sync();
    } catch (err) {
      client.close();
      throw err;
    }
    return client;
  }

  /**
   * Resynchronises the stream: send 0xFF (flushes a partial command a previous client left in the agent's
   * parser), then guest-sync-delimited with a random id; the reply is prefixed by 0xFF, and any stale
   * replies before it are discarded (qga/qapi-schema.json, guest-sync-delimited).
   */
  private sync(): Promise<void> {
    const id = Math.floor(Math.random() * 2 ** 31);
    return this.serial(async () => {
      this.lines.length = 0;
      this.framer.expectSentinel();
      this.socket.write(Buffer.from([SENTINEL]));
      this.socket.write(encodeCommand('guest-sync-delimited', { id }));
      const deadline = Date.now() + this.timeoutMs;
      for (;;) {
        const line = await this.nextLine('guest-sync-delimited', Math.max(1, deadline - Date.now()));
        const msg = safeParse(line);
        if (msg?.kind === 'return' && msg.value === id) return;
      }
    });
  }

  /** Runs one agent command; resolves to its `return` value. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, opts: { timeoutMs?: number } = {}): Promise<T> {
    return this.serial(async () => {
      if (this.closedErr) throw new QmpDisconnectedError(command);
      this.socket.write(encodeCommand(command, args));
      const line = await this.nextLine(command, opts.timeoutMs ?? this.timeoutMs);
      const msg = parseQmpLine(line);
      if (msg.kind === 'return') return msg.value as T;
      if (msg.kind === 'error') throw new QmpCommandError(command, msg.errorClass, msg.desc);
      throw new Error(`${command}: unexpected answer ${line.slice(0, 200)}`);
    });
  }

  /** `guest-ping`. */
  async ping(): Promise<void> {
    await this.execute('guest-ping');
  }

  /** `guest-info`: the agent's version and supported commands. */
  info(): Promise<Record<string, unknown>> {
    return this.execute<Record<string, unknown>>('guest-info');
  }

  /** `guest-network-get-interfaces`, normalised. */
  async interfaces(): Promise<GuestInterface[]> {
    const raw = await this.execute<Array<Record<string, unknown>>>('guest-network-get-interfaces');
    return normaliseInterfaces(raw);
  }

  /**
   * `guest-exec` with captured output, then `guest-exec-status` until it exits. The agent offers no exit
   * notification, so asking again (with a growing pause) is the protocol's only way.
   */
  async exec(path: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<GuestExecResult> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const start = await this.execute<{ pid: number }>('guest-exec', {
      path,
      arg: args,
      'capture-output': true,
      ...(opts.input !== undefined ? { 'input-data': Buffer.from(opts.input).toString('base64') } : {}),
    });
    const deadline = Date.now() + timeoutMs;
    // A short command (the checks' usual case) has exited within a few ms: ask soon, then back off.
    let pause = 5;
    for (;;) {
      const st = await this.execute<ExecStatus>('guest-exec-status', { pid: start.pid });
      if (st.exited) return decodeExecStatus(st);
      if (Date.now() + pause > deadline) throw new QmpTimeoutError(`guest-exec ${path}`, timeoutMs);
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 500);
    }
  }

  /** Closes the connection (the agent keeps running). */
  close(): void {
    this.socket.destroy();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private deliver(line: string): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve(line);
    } else {
      this.lines.push(line);
    }
  }

  private nextLine(command: string, timeoutMs: number): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closedErr) return Promise.reject(new QmpDisconnectedError(command));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        // Out of step now: a late answer would be taken for the next command's. Drop the connection.
        this.socket.destroy();
        reject(new QmpTimeoutError(command, timeoutMs));
      }, timeoutMs);
      this.waiter = {
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }
}

interface ExecStatus {
  exited: boolean;
  exitcode?: number;
  signal?: number;
  'out-data'?: string;
  'err-data'?: string;
  'out-truncated'?: boolean;
  'err-truncated'?: boolean;
}

/** Decodes a finished guest-exec-status (output is base64). Pure. */
export function decodeExecStatus(st: ExecStatus): GuestExecResult {
  return {
    exitCode: st.exitcode ?? (st.signal !== undefined ? 128 + st.signal : -1),
    ...(st.signal !== undefined ? { signal: st.signal } : {}),
    stdout: st['out-data'] ? Buffer.from(st['out-data'], 'base64').toString('utf8') : '',
    stderr: st['err-data'] ? Buffer.from(st['err-data'], 'base64').toString('utf8') : '',
    truncated: Boolean(st['out-truncated'] || st['err-truncated']),
  };
}

/** Maps qemu-ga's interface list to GuestInterface. Pure. */
export function normaliseInterfaces(raw: Array<Record<string, unknown>>): GuestInterface[] {
  return (Array.isArray(raw) ? raw : []).map((i) => ({
    name: String(i.name ?? ''),
    ...(typeof i['hardware-address'] === 'string' ? { hardwareAddress: i['hardware-address'] } : {}),
    addresses: (Array.isArray(i['ip-addresses']) ? (i['ip-addresses'] as Array<Record<string, unknown>>) : []).map((a) => ({
      type: a['ip-address-type'] === 'ipv6' ? ('ipv6' as const) : ('ipv4' as const),
      address: String(a['ip-address'] ?? ''),
      prefix: Number(a.prefix ?? 0),
    })),
  }));
}

function safeParse(line: string) {
  try {
    return parseQmpLine(line);
  } catch {
    return undefined;
  }
}
