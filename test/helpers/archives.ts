// Archives made in the test, byte by byte where a hostile one needs it: tar blocks from node-tar's own Header
// encoder (any path, link target or type, even "../x"), and zip files written by hand (stored entries, unix
// modes for symlinks), since well-behaved tools refuse to write the hostile ones.
import { gzipSync } from 'node:zlib';
import zlib from 'node:zlib';
import { Header } from 'tar';

/** One tar entry. */
export interface TarEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO';
  body?: Buffer;
  linkpath?: string;
  /** Declared size (default: the body's length). */
  size?: number;
}

/** A tar archive of `entries`. */
export function tarBuffer(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = e.body ?? Buffer.alloc(0);
    const h = new Header({ path: e.path, type: e.type ?? 'File', size: e.size ?? body.length, mode: e.type === 'Directory' ? 0o755 : 0o644, mtime: new Date(0), ...(e.linkpath ? { linkpath: e.linkpath } : {}) });
    const block = Buffer.alloc(512);
    h.encode(block, 0);
    blocks.push(block);
    if (body.length) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A gzip-compressed tar. */
export function tgzBuffer(entries: TarEntry[]): Buffer {
  return gzipSync(tarBuffer(entries));
}

/** One zip entry (stored, no compression). */
export interface ZipEntry {
  name: string;
  body?: Buffer;
  /** Makes it a unix symlink to this target. */
  symlinkTo?: string;
}

/** A zip archive of `entries`, written by hand (local headers, central directory, end record). */
export function zipBuffer(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.symlinkTo !== undefined ? Buffer.from(e.symlinkTo) : (e.body ?? Buffer.alloc(0));
    const crc = zlib.crc32(body);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(body.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(body.length, 24);
    central.writeUInt16LE(name.length, 28);
    const mode = e.symlinkTo !== undefined ? 0o120777 : e.name.endsWith('/') ? 0o040755 : 0o100644;
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
