// Fetching one artifact: source -> (cache or download, resumable) -> checksum verified -> placed in its
// destination (copied, decompressed or unpacked). A download is renamed into the cache only when its checksum
// matches; a mismatch deletes it, places nothing and names both digests.
import { constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statfsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Artifact } from '../../shared/artifact';
import { VmdeskError } from '../../shared/errors';
import { formatBytes } from '../../shared/format-bytes';
import { decompressedName, isSingleFile, type ArchiveKind } from './archive-kind';
import { partPath, readEntry, storeEntry, urlId, type CacheEntry } from './cache';
import { digestFromList, digestId, formatDigest, hashFile, parseChecksum, type Digest } from './checksum';
import { isInside } from './entry-path';
import { httpGet, removePart } from './http-get';
import { lockFile } from './lock';
import type { ArtifactPhase, ProgressSink } from './progress';
import { parseSource, realLocalSource, sourceArchiveKind, type ParsedSource } from './source';
import { decompressFile, unpackArchive } from './unpack';

/** What fetching needs to know. */
export interface FetchContext {
  home: string;
  /** The task directory (destinations are relative to it). */
  taskDir: string;
  /** image_paths: local sources may come from there too. */
  imageDirs: string[];
  /** artifact_max_bytes: per download and per unpacked archive. */
  maxBytes: number;
  signal?: AbortSignal;
  onProgress?: ProgressSink;
  /** Free bytes on the disk holding `path` (default statfs; tests give a number). */
  freeBytes?: (path: string) => number | undefined;
}

/** What fetching one artifact did. */
export interface FetchedArtifact {
  source: string;
  /** Absolute paths written into the destination. */
  placed: string[];
  cacheId?: string;
  /** `downloaded`: bytes came over the network; `cached`: from the cache, nothing downloaded; `local`: a local file. */
  origin: 'downloaded' | 'cached' | 'local';
  downloadedBytes: number;
  resumedFrom: number;
  digest?: string;
}

/** Free bytes on the file system holding `path` (undefined when it cannot be measured). */
export function statfsFree(path: string): number | undefined {
  try {
    const s = statfsSync(path);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}

/** The destination's absolute path, refused when it leaves the task directory (also through symlinks). */
export function resolveDestination(taskDir: string, destination: string): string {
  const realTask = realpathSync(taskDir);
  const dest = resolve(realTask, destination);
  if (!isInside(dest, realTask)) throw new VmdeskError('INVALID_TASK', `destination ${destination} leaves the task directory ${realTask}`);
  let probe = dest;
  while (!existsSync(probe)) probe = dirname(probe);
  if (!isInside(realpathSync(probe), realTask)) {
    throw new VmdeskError('INVALID_TASK', `destination ${destination} leads outside the task directory ${realTask} through the symlink ${probe}`);
  }
  return dest;
}

/** Fetches artifact number `index` of a task (see the file comment). */
export async function fetchArtifact(a: Artifact, index: number, ctx: FetchContext): Promise<FetchedArtifact> {
  const report = (phase: ArtifactPhase, done: number, total?: number, resumedFrom?: number) =>
    ctx.onProgress?.({ index, source: a.source, phase, done, ...(total !== undefined ? { total } : {}), ...(resumedFrom ? { resumedFrom } : {}) });
  const realTask = realpathSync(ctx.taskDir);
  const dest = resolveDestination(realTask, a.destination);
  const src = parseSource(a.source, realTask);
  const kind = sourceArchiveKind(src, a.archive);
  if (kind === 'unsupported') throw new VmdeskError('ARTIFACT_FAILED', `${src.fileName}: zstd archives cannot be unpacked here; set options.archive = false or use a .gz/.xz/.bz2/.zip/.tar archive`);
  if (kind && !isSingleFile(kind) && a.mode === 'file') {
    throw new VmdeskError('INVALID_TASK', `${src.fileName} is a ${kind} archive, which unpacks into a directory: use mode "any" or "dir" (or options.archive = false to keep it whole)`);
  }
  report('check', 0);
  const got = src.kind === 'local' ? await localBlob(a, src, realTask, ctx, report) : await remoteBlob(a, src, ctx, report);
  const placed = await place(got.blob, src.fileName, kind, a, dest, ctx, report);
  report('done', 1, 1);
  return { source: a.source, placed, ...(got.cacheId ? { cacheId: got.cacheId } : {}), origin: got.origin, downloadedBytes: got.downloaded, resumedFrom: got.resumedFrom, ...(got.digest ? { digest: got.digest } : {}) };
}

interface Blob {
  blob: string;
  cacheId?: string;
  origin: FetchedArtifact['origin'];
  downloaded: number;
  resumedFrom: number;
  digest?: string;
}

type Report = (phase: ArtifactPhase, done: number, total?: number, resumedFrom?: number) => void;

async function localBlob(a: Artifact, src: Extract<ParsedSource, { kind: 'local' }>, realTask: string, ctx: FetchContext, report: Report): Promise<Blob> {
  const real = realLocalSource(src.path, realTask, ctx.imageDirs);
  if (!statSync(real).isFile()) throw new VmdeskError('ARTIFACT_FAILED', `source ${src.path} is not a regular file`);
  const digest = a.checksum ? await wantedDigest(a.checksum, src.fileName, a, ctx) : undefined;
  if (digest) await verify(real, digest, a.source, report);
  return { blob: real, origin: 'local', downloaded: 0, resumedFrom: 0, ...(digest ? { digest: formatDigest(digest) } : {}) };
}

async function remoteBlob(a: Artifact, src: Extract<ParsedSource, { kind: 'http' }>, ctx: FetchContext, report: Report): Promise<Blob> {
  const checksum = a.checksum ?? src.checksum;
  const digest = checksum ? await wantedDigest(checksum, src.fileName, a, ctx) : undefined;
  const id = digest ? digestId(digest) : urlId(src.url);
  const release = await lockFile(`${partPath(ctx.home, id)}.lock`, src.url, undefined, ctx.signal);
  try {
    const cached = readEntry(ctx.home, id);
    if (cached && digest) return { blob: cached.path, cacheId: id, origin: 'cached', downloaded: 0, resumedFrom: 0, digest: formatDigest(digest) };
    const part = partPath(ctx.home, id);
    const r = await httpGet({
      url: src.url,
      headers: a.headers,
      partFile: part,
      maxBytes: ctx.maxBytes,
      ...(cached?.validator && (cached.validator.etag || cached.validator.lastModified) ? { ifNoneMatch: cached.validator } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onProgress: (done, total) => report('download', done, total),
      freeBytes: () => (ctx.freeBytes ?? statfsFree)(dirname(part)),
      ...(digest ? { hashAlgorithm: digest.algorithm } : {}),
    });
    if (r.status === 'not-modified') return { blob: cached!.path, cacheId: id, origin: 'cached', downloaded: 0, resumedFrom: 0 };
    if (digest) {
      try {
        if (r.hex !== undefined) compareDigest(r.hex, digest, src.url);
        else await verify(part, digest, src.url, report);
      } catch (err) {
        removePart(part);
        throw err;
      }
    }
    const entry: CacheEntry = storeEntry(ctx.home, id, part, { source: src.url, ...(digest ? { checksum: formatDigest(digest) } : {}), validator: r.validator });
    removePart(part);
    return { blob: entry.path, cacheId: id, origin: 'downloaded', downloaded: r.bytes - r.resumedFrom, resumedFrom: r.resumedFrom, ...(digest ? { digest: formatDigest(digest) } : {}) };
  } finally {
    release();
  }
}

/** The digest a checksum option names; a `file:` list is fetched (like any source) and searched for the file. */
async function wantedDigest(checksum: string, fileName: string, a: Artifact, ctx: FetchContext): Promise<Digest> {
  const spec = parseChecksum(checksum);
  if (spec.kind === 'digest') return spec.digest;
  const listSrc = parseSource(spec.url, ctx.taskDir);
  let text: string;
  if (listSrc.kind === 'local') {
    text = readFileSync(realLocalSource(listSrc.path, realpathSync(ctx.taskDir), ctx.imageDirs), 'utf8');
  } else {
    const part = partPath(ctx.home, `sums-${urlId(listSrc.url)}-${process.pid}`);
    try {
      removePart(part);
      await httpGet({ url: listSrc.url, headers: a.headers, partFile: part, maxBytes: 4 << 20, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      text = readFileSync(part, 'utf8');
    } finally {
      removePart(part);
    }
  }
  const d = digestFromList(text, fileName);
  if (!d) throw new VmdeskError('ARTIFACT_FAILED', `the checksum file ${spec.url} has no line for ${fileName} (expected "HEX  ${fileName}" as sha256sum writes it)`);
  return d;
}

async function verify(file: string, digest: Digest, source: string, report: Report): Promise<void> {
  const size = statSync(file).size;
  compareDigest(await hashFile(file, digest.algorithm, (n) => report('verify', n, size)), digest, source);
}

function compareDigest(got: string, digest: Digest, source: string): void {
  if (got !== digest.hex) {
    throw new VmdeskError('CHECKSUM_MISMATCH', `checksum mismatch for ${source}: expected ${digest.algorithm}:${digest.hex}, got ${digest.algorithm}:${got}; the download was deleted and nothing was placed`);
  }
}

/** Puts the blob into the destination; returns the paths written (absolute). */
async function place(blob: string, fileName: string, kind: ArchiveKind | undefined, a: Artifact, dest: string, ctx: FetchContext, report: Report): Promise<string[]> {
  const size = statSync(blob).size;
  const targetDir = a.mode === 'file' ? dirname(dest) : dest;
  mkdirSync(targetDir, { recursive: true });
  const free = (ctx.freeBytes ?? statfsFree)(targetDir);
  if (free !== undefined && size > free) {
    throw new VmdeskError('ARTIFACT_FAILED', `${fileName}: ${formatBytes(size)} to place but only ${formatBytes(free)} free in ${targetDir}`);
  }
  const opts = { maxBytes: ctx.maxBytes, onProgress: (n: number) => report('unpack', n), ...(ctx.signal ? { signal: ctx.signal } : {}) };
  if (kind === undefined || isSingleFile(kind)) {
    const name = kind ? decompressedName(fileName, kind) : fileName;
    const target = a.mode === 'file' ? dest : join(dest, name);
    const tmp = join(dirname(target), `.${basename(target)}.vmdesk-tmp`);
    try {
      if (kind) await decompressFile(blob, kind, tmp, opts, name);
      else {
        report('copy', 0, size);
        // A copy, never a link: the VM writes its image, and the cache must stay as downloaded.
        copyFileSync(blob, tmp, constants.COPYFILE_FICLONE);
        report('copy', size, size);
      }
      renameSync(tmp, target);
    } finally {
      rmSync(tmp, { force: true });
    }
    return [target];
  }
  const tmp = mkdtempSync(join(dest, '.vmdesk-unpack-'));
  try {
    await unpackArchive(blob, kind, tmp, opts);
    const placed: string[] = [];
    for (const name of readdirSync(tmp)) {
      const target = join(dest, name);
      rmSync(target, { recursive: true, force: true });
      renameSync(join(tmp, name), target);
      placed.push(target);
    }
    return placed;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Paths relative to the task directory, for the placement record. */
export function relativeTo(taskDir: string, paths: string[]): string[] {
  return paths.map((p) => relative(realpathSync(taskDir), p));
}

