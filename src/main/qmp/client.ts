// QMP client over a unix socket (docs/interop/qmp-spec.rst): greeting, capabilities negotiation, commands
// matched to replies by `id`, asynchronous events in between, a deadline per call, and every pending call
// rejected when the socket closes. Framing lives in framing.ts.
import { createConnection, type Socket } from 'node:net';
import { encodeCommand, LineFramer, parseQmpLine, type QmpMessage } from './framing';
import { QmpCommandError, QmpDisconnectedError, QmpTimeoutError } from './errors';

/** A QMP event as delivered to listeners. */
export interface QmpEvent {
  event: string;
  data: Record<string, unknown>;
  /** Milliseconds since the epoch, from QEMU's timestamp (or receipt time). */
  at: number;
}

/** Options for connecting. */
export interface QmpConnectOptions {
  /** Deadline for connect + greeting + qmp_capabilities (default 5 s). */
  connectTimeoutMs?: number;
  /** Default deadline for each command (default 10 s). */
  commandTimeoutMs?: number;
}

/** QEMU's greeting (`{"QMP": {...}}`). */
export type QmpGreeting = Extract<QmpMessage, { kind: 'greeting' }>;

interface Pending {
  command: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** A connected, capabilities-negotiated QMP session. */
export class QmpClient {
  private readonly pending = new Map<string, Pending>();
  private readonly eventListeners = new Set<(e: QmpEvent) => void>();
  private readonly closeListeners = new Set<(err?: Error) => void>();
  private nextId = 1;
  private closedFlag = false;
  /** Resolves when the socket has closed, for whatever reason. */
  readonly closed: Promise<void>;
  private markClosed!: () => void;

  private constructor(
    private readonly socket: Socket,
    readonly greeting: QmpGreeting,
    private readonly commandTimeoutMs: number,
  ) {
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  /** Connects to a QMP socket, reads the greeting and negotiates capabilities. */
  static connect(path: string, opts: QmpConnectOptions = {}): Promise<QmpClient> {
    const connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
    return new Promise<QmpClient>((resolve, reject) => {
      const socket = createConnection({ path });
      const framer = new LineFramer();
      let client: QmpClient | undefined;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new QmpTimeoutError('QMP greeting', connectTimeoutMs)), connectTimeoutMs);
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (!client) fail(new QmpDisconnectedError(undefined, `cannot connect to ${path}: ${err.code ?? err.message}`));
      });
      socket.on('close', () => {
        if (!client) fail(new QmpDisconnectedError(undefined, `QEMU closed ${path} before the greeting`));
        else client.handleClose();
      });
      socket.on('data', (chunk: Buffer) => {
        let lines: string[];
        try {
          lines = framer.push(chunk);
        } catch (err) {
          socket.destroy(err as Error);
          return;
        }
        for (const line of lines) {
          let msg: QmpMessage;
          try {
            msg = parseQmpLine(line);
          } catch (err) {
            if (!client) fail(err as Error);
            continue; // a malformed line from QEMU: ignore it rather than kill the session
          }
          if (client) {
            client.handleMessage(msg);
          } else if (msg.kind === 'greeting') {
            client = new QmpClient(socket, msg, opts.commandTimeoutMs ?? 10_000);
            const c = client;
            // Capabilities negotiation is mandatory before any other command (qmp-spec.rst 4.1).
            c.execute('qmp_capabilities', undefined, { timeoutMs: connectTimeoutMs }).then(
              () => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                resolve(c);
              },
              (err: Error) => fail(err),
            );
          } else {
            fail(new Error(`expected the QMP greeting, got: ${line.slice(0, 200)}`));
          }
        }
      });
    });
  }

  /** Runs a command; resolves to its `return` value, rejects with QmpCommandError/Timeout/Disconnected. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, opts: { timeoutMs?: number } = {}): Promise<T> {
    if (this.closedFlag) return Promise.reject(new QmpDisconnectedError(command));
    const id = `vmdesk-${this.nextId++}`;
    const timeoutMs = opts.timeoutMs ?? this.commandTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The id lets a late answer be recognised and dropped; the session stays usable.
        this.pending.delete(id);
        reject(new QmpTimeoutError(command, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(encodeCommand(command, args, id));
    });
  }

  /** Subscribes to QMP events; returns the unsubscribe function. */
  onEvent(listener: (e: QmpEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Called once when the socket closes (QEMU exited, or close() was called). */
  onClose(listener: () => void): () => void {
    if (this.closedFlag) {
      queueMicrotask(listener);
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** True once the socket has closed. */
  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Closes the session (QEMU keeps running). */
  close(): Promise<void> {
    this.socket.end();
    this.socket.destroySoon?.();
    setTimeout(() => this.socket.destroy(), 200).unref();
    return this.closed;
  }

  private handleMessage(msg: QmpMessage): void {
    if (msg.kind === 'event') {
      const at = msg.timestamp ? msg.timestamp.seconds * 1000 + Math.floor(msg.timestamp.microseconds / 1000) : Date.now();
      for (const l of [...this.eventListeners]) l({ event: msg.event, data: msg.data, at });
      return;
    }
    if (msg.kind === 'greeting') return;
    // An error without id answers a command QEMU could not even parse: give it to the oldest pending call.
    const key = typeof msg.id === 'string' ? msg.id : msg.kind === 'error' && msg.id === undefined ? this.pending.keys().next().value : undefined;
    const p = key === undefined ? undefined : this.pending.get(key);
    if (!p || key === undefined) return; // a late answer to a timed-out call
    this.pending.delete(key);
    clearTimeout(p.timer);
    if (msg.kind === 'return') p.resolve(msg.value);
    else p.reject(new QmpCommandError(p.command, msg.errorClass, msg.desc));
  }

  private handleClose(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new QmpDisconnectedError(p.command));
    }
    for (const l of [...this.closeListeners]) l();
    this.closeListeners.clear();
    this.markClosed();
  }
}
