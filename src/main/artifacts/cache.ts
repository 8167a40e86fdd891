// The content cache in $VMDESK_HOME/cache: one directory per entry, keyed by the checksum (`sha256-<hex>`) or,
// without one, by the URL (`url-<sha256 of the URL>`, revalidated with ETag / Last-Modified). Each holds `blob`
// (the file as downloaded) and `meta.json`; `tmp/` holds resumable `.part` files and locks. An entry is written
// by renaming a verified file into place, so a reader never sees a half-written blob.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Validator } from './http-get';

/** What meta.json of a cache entry records. */
export interface CacheMeta {
  id: string;
  source: string;
  /** `sha256:<hex>` when the entry is keyed by (or was verified with) a checksum. */
  checksum?: string;
  validator?: Validator;
  size: number;
  fetchedAt: string;
  lastUsedAt: string;
  /** The task directories' placement records (`.vmdesk-artifacts.json`) that use this entry. */
  users: string[];
}

/** One entry as `vmdesk cache ls` shows it. */
export type CacheEntry = CacheMeta & { path: string };

/** $VMDESK_HOME/cache. */
export function cacheDir(home: string): string {
  return join(home, 'cache');
}

/** The id of an entry keyed by a URL (no checksum). */
export function urlId(url: string): string {
  return `url-${createHash('sha256').update(url).digest('hex').slice(0, 40)}`;
}

/** The blob of an entry. */
export function blobPath(home: string, id: string): string {
  return join(cacheDir(home), id, 'blob');
}

/** The resumable part file of an entry being downloaded. */
export function partPath(home: string, id: string): string {
  const tmp = join(cacheDir(home), 'tmp');
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  return join(tmp, `${id}.part`);
}

/** The entry's meta, or undefined when it is absent or incomplete. */
export function readEntry(home: string, id: string): CacheEntry | undefined {
  try {
    const meta = JSON.parse(readFileSync(join(cacheDir(home), id, 'meta.json'), 'utf8')) as CacheMeta;
    const path = blobPath(home, id);
    if (!existsSync(path) || statSync(path).size !== meta.size) return undefined;
    return { ...meta, users: Array.isArray(meta.users) ? meta.users : [], path };
  } catch {
    return undefined;
  }
}

/** Moves a verified file into the cache as entry `id` (replacing an older one) and records its meta. */
export function storeEntry(home: string, id: string, file: string, meta: Omit<CacheMeta, 'id' | 'size' | 'lastUsedAt' | 'users' | 'fetchedAt'>): CacheEntry {
  const dir = join(cacheDir(home), id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const previous = readEntry(home, id);
  const now = new Date().toISOString();
  const full: CacheMeta = { ...meta, id, size: statSync(file).size, fetchedAt: now, lastUsedAt: now, users: previous?.users ?? [] };
  rmSync(join(dir, 'meta.json'), { force: true });
  renameSync(file, join(dir, 'blob'));
  writeMeta(home, full);
  return { ...full, path: join(dir, 'blob') };
}

/** Records a use: last-used time and the placement record that refers to the entry. */
export function touchEntry(home: string, entry: CacheEntry, user: string): void {
  const users = entry.users.includes(user) ? entry.users : [...entry.users, user];
  const { path: _path, ...meta } = entry;
  writeMeta(home, { ...meta, users, lastUsedAt: new Date().toISOString() });
}

function writeMeta(home: string, meta: CacheMeta): void {
  const file = join(cacheDir(home), meta.id, 'meta.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(meta, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Every complete entry, newest use first. */
export function listEntries(home: string): CacheEntry[] {
  const dir = cacheDir(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n !== 'tmp')
    .map((n) => readEntry(home, n))
    .filter((e): e is CacheEntry => e !== undefined)
    .sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt));
}

/** Bytes the cache holds (entries and partial downloads). */
export function cacheSize(home: string): number {
  const walk = (d: string): number => {
    let n = 0;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      n += e.isDirectory() ? walk(p) : e.isFile() ? statSync(p).size : 0;
    }
    return n;
  };
  return existsSync(cacheDir(home)) ? walk(cacheDir(home)) : 0;
}

/** Removes one entry (by id, or every entry whose source is `idOrSource`); returns the ids removed. */
export function removeEntries(home: string, idOrSource: string): string[] {
  const hits = listEntries(home).filter((e) => e.id === idOrSource || e.source === idOrSource || e.id.startsWith(idOrSource));
  for (const e of hits) rmSync(join(cacheDir(home), e.id), { recursive: true, force: true });
  return hits.map((e) => e.id);
}

/** True while some placement record still names the entry (the task directory still uses it). */
export function entryInUse(entry: CacheEntry): boolean {
  return entry.users.some((record) => {
    try {
      const r = JSON.parse(readFileSync(record, 'utf8')) as { entries?: Array<{ cacheId?: string }> };
      return (r.entries ?? []).some((x) => x.cacheId === entry.id);
    } catch {
      return false;
    }
  });
}

/** Which entries prune removes: unused ones, last used before `olderThanMs` ago (0: any age). Pure. */
export function pruneCandidates(entries: Array<CacheEntry & { inUse: boolean }>, olderThanMs: number, now: number): CacheEntry[] {
  return entries.filter((e) => !e.inUse && now - Date.parse(e.lastUsedAt) >= olderThanMs);
}

/** Removes unused entries (and partial downloads) older than `olderThanMs`; returns what went. */
export function prune(home: string, olderThanMs: number, now = Date.now()): { removed: CacheEntry[]; partials: number } {
  const removed = pruneCandidates(listEntries(home).map((e) => ({ ...e, inUse: entryInUse(e) })), olderThanMs, now);
  for (const e of removed) rmSync(join(cacheDir(home), e.id), { recursive: true, force: true });
  let partials = 0;
  const tmp = join(cacheDir(home), 'tmp');
  if (existsSync(tmp)) {
    for (const n of readdirSync(tmp)) {
      const p = join(tmp, n);
      if (!n.endsWith('.lock') && now - statSync(p).mtimeMs >= Math.max(olderThanMs, 3_600_000)) {
        rmSync(p, { force: true });
        partials++;
      }
    }
  }
  return { removed, partials };
}

/** Where the cache is, its size and how many entries it holds (doctor, the app's Settings). */
export function cacheSummary(home: string): { path: string; bytes: number; entries: number } {
  return { path: cacheDir(home), bytes: cacheSize(home), entries: listEntries(home).length };
}
