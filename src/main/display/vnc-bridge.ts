// The Display tab's path to a VM's screen: QEMU's VNC server listens on a 0600 unix socket only, and the
// renderer (noVNC) speaks RFB over a WebSocket. This bridge is a WebSocket server on 127.0.0.1 (never another
// interface, port chosen by the OS) that accepts a connection only on a path carrying a fresh per-session
// token, handed to the page through the preload (`displayOpen`). A token is random (256 bits), compared in
// constant time, used once (a second page presenting it is refused) and expires unused after a minute.
// Each accepted WebSocket is piped to one new connection to the VM's VNC socket; bytes are not interpreted.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** How long a token may wait for its page to connect. */
const TOKEN_TTL_MS = 60_000;
/** Pause reading the VNC socket while this much is queued towards a slow page. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** Bytes carried, for the bench and the event log. */
export interface BridgeCounters {
  toPage: number;
  toVm: number;
  connections: number;
  refused: number;
}

/** The bridge: `open` a session for a VM's VNC socket, get the URL its page connects to. */
export interface VncBridge {
  /** A one-use ws:// URL on 127.0.0.1 for the VNC server at `socketPath`. */
  open(vm: string, socketPath: string): Promise<{ url: string }>;
  counters(): BridgeCounters;
  /** Closes the server and every bridged connection. */
  close(): Promise<void>;
}

interface Pending {
  vm: string;
  socketPath: string;
  token: Buffer;
  timer: NodeJS.Timeout;
}

/** Creates the bridge; its server starts on the first `open`. */
export function createVncBridge(opts: { log?: (line: string) => void } = {}): VncBridge {
  const log = opts.log ?? (() => {});
  const pending = new Map<string, Pending>();
  const live = new Set<{ ws: WebSocket; sock: Socket }>();
  const counters: BridgeCounters = { toPage: 0, toVm: 0, connections: 0, refused: 0 };
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false), maxPayload: 1024 * 1024 });
  let server: Promise<{ http: Server; port: number }> | undefined;

  const refuse = (socket: Duplex, status: string) => {
    counters.refused++;
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };

  /** The pending session a request's path names, consumed; undefined for a missing, wrong or used token. */
  const take = (req: IncomingMessage): Pending | undefined => {
    const m = /^\/vnc\/([0-9a-f]{64})$/.exec(req.url ?? '');
    if (!m) return undefined;
    const given = Buffer.from(m[1]!, 'hex');
    for (const [key, p] of pending) {
      if (given.length === p.token.length && timingSafeEqual(given, p.token)) {
        pending.delete(key);
        clearTimeout(p.timer);
        return p;
      }
    }
    return undefined;
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const p = take(req);
    if (!p) {
      log(`display bridge: refused a connection without a valid session token (${req.socket.remoteAddress ?? '?'})`);
      refuse(socket, '403 Forbidden');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => pipe(ws, p));
  };

  const pipe = (ws: WebSocket, p: Pending) => {
    counters.connections++;
    const sock = connect(p.socketPath);
    const pair = { ws, sock };
    live.add(pair);
    const end = () => {
      live.delete(pair);
      sock.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
    };
    sock.on('data', (data: Buffer) => {
      counters.toPage += data.length;
      ws.send(data, { binary: true }, () => {
        if (sock.isPaused() && ws.bufferedAmount < HIGH_WATER_BYTES / 2) sock.resume();
      });
      if (ws.bufferedAmount > HIGH_WATER_BYTES) sock.pause();
    });
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      counters.toVm += buf.length;
      sock.write(buf);
    });
    sock.on('error', (err) => {
      log(`display bridge: ${p.vm}: VNC socket ${p.socketPath}: ${err.message}`);
      end();
    });
    sock.on('close', end);
    ws.on('close', end);
    ws.on('error', end);
  };

  const start = () =>
    (server ??= new Promise((resolve, reject) => {
      const http = createServer((_req, res) => {
        res.writeHead(426, { Connection: 'close' }).end(); // only WebSocket upgrades are served
      });
      http.on('upgrade', onUpgrade);
      http.once('error', reject);
      http.listen(0, '127.0.0.1', () => resolve({ http, port: (http.address() as AddressInfo).port }));
    }));

  return {
    async open(vm, socketPath) {
      const { port } = await start();
      const token = randomBytes(32);
      const key = token.toString('hex');
      const timer = setTimeout(() => pending.delete(key), TOKEN_TTL_MS);
      timer.unref();
      pending.set(key, { vm, socketPath, token, timer });
      return { url: `ws://127.0.0.1:${port}/vnc/${key}` };
    },
    counters: () => ({ ...counters }),
    async close() {
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
      for (const { ws, sock } of live) {
        sock.destroy();
        ws.terminate();
      }
      live.clear();
      wss.close();
      const s = await server?.catch(() => undefined);
      server = undefined;
      if (s) await new Promise<void>((r) => s.http.close(() => r()));
    },
  };
}
