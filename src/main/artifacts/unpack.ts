// Unpacking with well-kept libraries: node-tar's Parser for tar (through zlib, unbzip2-stream or the xz-decompress
// WASM decoder), yauzl for zip, the same decoders for single compressed files. Every entry is checked before it is
// written (entry-path.ts), symlinks and hard links only when they stay inside, devices and FIFOs refused, setuid
// bits dropped, and the total written is bounded (a decompression bomb stops at the limit). Everything lands in
// a fresh directory first; the caller moves it into place only when the whole archive unpacked.
import { createReadStream, createWriteStream, linkSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import unbzip2 from 'unbzip2-stream';
import xzDecompress from 'xz-decompress';
import yauzl from 'yauzl';
import { VmdeskError } from '../../shared/errors';
import { formatBytes } from '../../shared/format-bytes';
import type { ArchiveKind } from './archive-kind';
import { entryNameProblem, linkTargetProblem, realParentInside } from './entry-path';

/** Limits and callbacks of one unpack. */
export interface UnpackOptions {
  maxBytes: number;
  /** Bytes written so far. */
  onProgress?: (written: number) => void;
  signal?: AbortSignal;
}

/** At most this many entries in one archive. */
export const MAX_ENTRIES = 100_000;

/** Decompresses a single-file archive (gz, bz2, xz) into `outFile`; `name` is what errors call the file. */
export async function decompressFile(file: string, kind: ArchiveKind, outFile: string, o: UnpackOptions, name = basename(outFile)): Promise<number> {
  const counter = new ByteLimit(o, name);
  try {
    await pipeline(decoded(createReadStream(file), kind), counter, createWriteStream(outFile, { mode: 0o644 }), ...(o.signal ? [{ signal: o.signal }] : []) as []);
  } catch (err) {
    throw wrap(err as Error, file);
  }
  return counter.total;
}

/** Unpacks a tar or zip archive into the empty directory `dir`. */
export async function unpackArchive(file: string, kind: ArchiveKind, dir: string, o: UnpackOptions): Promise<number> {
  const root = realpathSync(dir);
  return kind === 'zip' ? unzip(file, root, o) : untar(file, kind, root, o);
}

function decoded(input: Readable, kind: ArchiveKind): Readable {
  if (kind === 'gz' || kind === 'tar.gz') return input.pipe(createGunzip());
  if (kind === 'bz2' || kind === 'tar.bz2') return input.pipe(unbzip2());
  if (kind === 'xz' || kind === 'tar.xz') {
    const web = new xzDecompress.XzReadableStream(Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>);
    return Readable.fromWeb(web as unknown as WebReadableStream<Uint8Array>);
  }
  return input;
}

/** Counts bytes and fails past the limit, naming the entry being written. */
class ByteLimit extends Transform {
  total = 0;
  constructor(
    private readonly o: UnpackOptions,
    public entry: string,
    private readonly shared?: { total: number },
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.total += chunk.length;
    const sum = this.shared ? (this.shared.total += chunk.length) : this.total;
    if (sum > this.o.maxBytes) {
      cb(unsafe(`the archive expands past ${formatBytes(this.o.maxBytes)} (artifact_max_bytes) at entry "${this.entry}": refused as a decompression bomb`));
      return;
    }
    this.o.onProgress?.(sum);
    cb(null, chunk);
  }
}

function unsafe(message: string): VmdeskError {
  return new VmdeskError('ARTIFACT_UNSAFE', message);
}

function refuse(entry: string, why: string): VmdeskError {
  return unsafe(`archive entry "${entry}" refused: ${why}; nothing was placed`);
}

/** Where an entry goes, after the name and real-parent checks. */
function target(root: string, name: string): string {
  const why = entryNameProblem(name);
  if (why) throw refuse(name, why);
  const path = join(root, name);
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o755 });
  if (realParentInside(path, root) === undefined) throw refuse(name, 'its directory is a symlink that leads outside the destination');
  return path;
}

function makeSymlink(root: string, name: string, linkTarget: string): void {
  const path = target(root, name);
  const why = linkTargetProblem(realParentInside(path, root)!, linkTarget, root);
  if (why) throw refuse(name, why);
  symlinkSync(linkTarget, path);
}

async function untar(file: string, kind: ArchiveKind, root: string, o: UnpackOptions): Promise<number> {
  const shared = { total: 0 };
  let entries = 0;
  const writes: Array<Promise<void>> = [];
  const parser = new Parser({ strict: true });
  let failure: Error | undefined;
  const fail = (err: unknown) => {
    failure ??= err as Error;
    parser.abort(failure);
  };
  parser.on('entry', (entry: ReadEntry) => {
    if (failure) return entry.resume();
    try {
      if (++entries > MAX_ENTRIES) throw unsafe(`the archive has more than ${MAX_ENTRIES} entries: refused`);
      const name = entry.path.replace(/\/+$/, '');
      if (entry.type === 'Directory') {
        if (name !== '' && name !== '.') mkdirSync(target(root, name), { recursive: true, mode: 0o755 });
        return entry.resume();
      }
      if (entry.type === 'SymbolicLink') {
        makeSymlink(root, name, entry.linkpath ?? '');
        return entry.resume();
      }
      if (entry.type === 'Link') {
        const from = entry.linkpath ?? '';
        const why = entryNameProblem(from);
        if (why) throw refuse(name, `a hard link to ${from} (${why})`);
        const src = join(root, from);
        if (realParentInside(src, root) === undefined) throw refuse(name, `a hard link to ${from}, outside the destination`);
        linkSync(src, target(root, name));
        return entry.resume();
      }
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        throw refuse(name, `a ${entry.type} entry (only files, directories and links are unpacked)`);
      }
      if (shared.total + entry.size > o.maxBytes) {
        throw unsafe(`the archive expands past ${formatBytes(o.maxBytes)} (artifact_max_bytes) at entry "${name}" (${formatBytes(entry.size)}): refused as a decompression bomb`);
      }
      const path = target(root, name);
      const mode = (entry.mode ?? 0o644) & 0o777 & ~0o022;
      writes.push(pipeline(entry, new ByteLimit(o, name, shared), createWriteStream(path, { mode })).catch((err: unknown) => fail(err)));
    } catch (err) {
      entry.resume();
      fail(err);
    }
  });
  try {
    await pipeline(decoded(createReadStream(file), kind), parser as unknown as NodeJS.WritableStream, ...(o.signal ? [{ signal: o.signal }] : []) as []);
  } catch (err) {
    failure ??= err as Error;
  }
  await Promise.all(writes);
  if (failure) throw wrap(failure, file);
  return shared.total;
}

function wrap(err: Error, file: string): Error {
  if (err instanceof VmdeskError) return err;
  if (err.name === 'AbortError') return new VmdeskError('CANCELLED', 'unpacking cancelled');
  return new VmdeskError('ARTIFACT_FAILED', `unpacking ${basename(file)} failed: ${err.message}`);
}

function unzip(file: string, root: string, o: UnpackOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(wrap(err ?? new Error('cannot open'), file));
      const shared = { total: 0 };
      let entries = 0;
      let done = false;
      const finish = (e?: unknown) => {
        if (done) return;
        done = true;
        zip.close();
        if (e) reject(wrap(e as Error, file));
        else resolve(shared.total);
      };
      o.signal?.addEventListener('abort', () => finish(new VmdeskError('CANCELLED', 'unpacking cancelled')), { once: true });
      zip.on('error', finish);
      zip.on('end', () => finish());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          const raw = entry.fileName as unknown as Buffer;
          const name = raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1').replace(/\/+$/, '');
          if (++entries > MAX_ENTRIES) throw unsafe(`the archive has more than ${MAX_ENTRIES} entries: refused`);
          const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
          const kind = unixMode & 0o170000;
          if (/\/$/.test(raw.toString('latin1')) || kind === 0o040000) {
            if (name !== '' && name !== '.') mkdirSync(target(root, name), { recursive: true, mode: 0o755 });
            return;
          }
          if (kind === 0o120000) {
            if (entry.uncompressedSize > 4096) throw refuse(name, 'a symlink with an oversized target');
            makeSymlink(root, name, (await readAll(zip, entry)).toString('utf8'));
            return;
          }
          if (kind !== 0 && kind !== 0o100000) throw refuse(name, 'a device, FIFO or socket entry (only files, directories and links are unpacked)');
          if (shared.total + entry.uncompressedSize > o.maxBytes) {
            throw unsafe(`the archive expands past ${formatBytes(o.maxBytes)} (artifact_max_bytes) at entry "${name}" (${formatBytes(entry.uncompressedSize)}): refused as a decompression bomb`);
          }
          const path = target(root, name);
          const mode = kind ? unixMode & 0o777 & ~0o022 : 0o644;
          const stream = await openEntry(zip, entry);
          await pipeline(stream, new ByteLimit(o, name, shared), createWriteStream(path, { mode }));
        })().then(
          () => !done && zip.readEntry(),
          (e: unknown) => finish(e),
        );
      });
      zip.readEntry();
    });
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, s) => (err || !s ? reject(err ?? new Error('no stream')) : resolve(s))));
}

async function readAll(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await openEntry(zip, entry)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
