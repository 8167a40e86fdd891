// A minimal RFB 3.8 client for the display suite, run as its own process: connects to a VNC server either
// directly (a unix socket path) or through vmdesk's bridge (a ws:// URL), asks for framebuffer updates
// back to back (incremental after the first), and after `seconds` prints one JSON line:
// { frames, rects, bytes, seconds, width, height } (a frame = one FramebufferUpdate with a pixel rect).
// Encodings: "zrle" (ZRLE first, then Raw: compressed, as a real viewer such as noVNC asks for; ZRLE data is
// length-prefixed, so it is skipped, not decoded) or "raw" (Raw only: every changed pixel, the worst case).
// RFC 6143: ProtocolVersion, security type 1 (None), ClientInit, ServerInit, SetEncodings, updates.
import { connect } from 'node:net';
import WebSocket from 'ws';

const [target, secondsArg, encodingArg = 'zrle'] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 5);
let send;
let buf = Buffer.alloc(0);
let need; // resolve of the current read
let want = 0;

function onData(d) {
  buf = buf.length ? Buffer.concat([buf, d]) : d;
  if (need && buf.length >= want) {
    const r = need;
    need = undefined;
    r();
  }
}
async function read(n) {
  if (buf.length < n) {
    want = n;
    await new Promise((r) => (need = r));
  }
  const out = buf.subarray(0, n);
  buf = buf.subarray(n);
  return out;
}

await new Promise((resolve, reject) => {
  if (target.startsWith('ws://')) {
    const ws = new WebSocket(target, ['binary']);
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => {
      send = (b) => ws.send(b);
      resolve();
    });
    ws.on('message', (d) => onData(d));
    ws.on('error', reject);
    ws.on('close', () => process.exit(3));
  } else {
    const s = connect(target);
    s.on('connect', () => {
      send = (b) => s.write(b);
      resolve();
    });
    s.on('data', onData);
    s.on('error', reject);
    s.on('close', () => process.exit(3));
  }
});

const version = (await read(12)).toString('latin1');
if (!version.startsWith('RFB 003.')) throw new Error(`not an RFB server: ${JSON.stringify(version)}`);
send(Buffer.from('RFB 003.008\n', 'latin1'));
const nTypes = (await read(1))[0];
if (nTypes === 0) throw new Error('the server refused the connection');
const types = [...(await read(nTypes))];
if (!types.includes(1)) throw new Error(`no "None" security type offered (${types})`);
send(Buffer.from([1]));
const result = (await read(4)).readUInt32BE(0);
if (result !== 0) throw new Error(`security handshake failed (${result})`);
send(Buffer.from([1])); // ClientInit: shared
const init = await read(24);
let width = init.readUInt16BE(0);
let height = init.readUInt16BE(2);
const bpp = init[4];
await read(init.readUInt32BE(20)); // the desktop name
// SetEncodings: [ZRLE (16)], Raw (0), DesktopSize pseudo-encoding (-223)
const encodings = encodingArg === 'raw' ? [0, -223] : [16, 0, -223];
const enc = Buffer.alloc(4 + 4 * encodings.length);
enc.writeUInt8(2, 0);
enc.writeUInt16BE(encodings.length, 2);
encodings.forEach((e, i) => enc.writeInt32BE(e, 4 + 4 * i));
send(enc);
const request = (incremental) => {
  const b = Buffer.alloc(10);
  b.writeUInt8(3, 0);
  b.writeUInt8(incremental ? 1 : 0, 1);
  b.writeUInt16BE(width, 6);
  b.writeUInt16BE(height, 8);
  send(b);
};

const now = () => Number(process.hrtime.bigint()) / 1e6;
request(false);
let frames = 0;
let rects = 0;
let bytes = 0;
let t0;
for (;;) {
  const type = (await read(1))[0];
  if (type === 0) {
    const head = await read(3);
    const n = head.readUInt16BE(1);
    let pixels = false;
    for (let i = 0; i < n; i++) {
      const r = await read(12);
      const w = r.readUInt16BE(4);
      const h = r.readUInt16BE(6);
      const e = r.readInt32BE(8);
      if (e === 0) {
        const len = w * h * (bpp / 8);
        await read(len);
        if (t0 !== undefined) bytes += len;
        pixels = true;
      } else if (e === 16) {
        const len = (await read(4)).readUInt32BE(0);
        await read(len);
        if (t0 !== undefined) bytes += len + 4;
        pixels = true;
      } else if (e === -223) {
        width = w;
        height = h;
      } else {
        throw new Error(`unexpected encoding ${e}`);
      }
    }
    if (t0 === undefined) t0 = now(); // the first (full) update starts the window
    else if (pixels) {
      frames++;
      rects += n;
    }
    if (now() - t0 >= seconds * 1000) break;
    request(true);
  } else if (type === 2) {
    // Bell
  } else if (type === 3) {
    const h = await read(7);
    await read(h.readUInt32BE(3));
  } else if (type === 1) {
    const h = await read(5);
    await read(h.readUInt16BE(3) * 6);
  } else {
    throw new Error(`unexpected server message ${type}`);
  }
}
process.stdout.write(JSON.stringify({ frames, rects, bytes, seconds: (now() - t0) / 1000, width, height }) + '\n');
process.exit(0);
