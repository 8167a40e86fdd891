// Reads a whole (rotated) log in order, in bounded chunks: archives oldest first, then the live part.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { LOG_ARCHIVES, liveStart } from './log-rotation';

/** The files making up a log, oldest first, with the offset to start reading each at. */
export function logParts(path: string, archives = LOG_ARCHIVES): Array<{ path: string; from: number }> {
  const parts: Array<{ path: string; from: number }> = [];
  for (let g = archives + 1; g >= 1; g--) if (existsSync(`${path}.${g}`)) parts.push({ path: `${path}.${g}`, from: 0 });
  if (existsSync(path)) parts.push({ path, from: liveStart(path) });
  return parts;
}

/** Calls `onChunk` with every byte of the log, in order, 64 KiB at a time; returns the live file's end offset. */
export async function readLog(path: string, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<number> {
  let end = 0;
  const buf = Buffer.alloc(64 * 1024);
  for (const part of logParts(path)) {
    const fd = openSync(part.path, 'r');
    try {
      const size = statSync(part.path).size;
      let pos = part.from;
      while (pos < size) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, size - pos), pos);
        if (n <= 0) break;
        pos += n;
        await onChunk(Buffer.from(buf.subarray(0, n)));
      }
      if (part.path === path) end = pos;
    } finally {
      closeSync(fd);
    }
  }
  return end;
}

/** One file's share of a log, placed in the live file's offset space: bytes [start, end) of the log. */
export interface LogSegment {
  path: string;
  /** Log offset of the segment's first byte. */
  start: number;
  /** Log offset just after its last byte. */
  end: number;
  /** Offset in `path` of the segment's first byte. */
  fileOffset: number;
}

/**
 * Places a rotated log's files in one offset space, the live file's (its offsets never change: rotation
 * punches its head in place). The archives, oldest first, hold the bytes just before the live start, in
 * order, so the newest archive ends at `liveStart`; whatever lies before the oldest archive was dropped.
 * Pure: sizes in, segments out.
 */
export function logSegments(archives: Array<{ path: string; size: number }>, live: { path: string; start: number; size: number }): LogSegment[] {
  const archived = archives.reduce((sum, a) => sum + a.size, 0);
  let at = Math.max(0, live.start - archived);
  const segments: LogSegment[] = [];
  // A user who shortened an archive by hand can make the archives overlap the log's start: skip what lies
  // before offset 0 rather than invent offsets.
  let skip = Math.max(0, archived - live.start);
  for (const a of archives) {
    const cut = Math.min(skip, a.size);
    skip -= cut;
    if (a.size - cut > 0) segments.push({ path: a.path, start: at, end: at + a.size - cut, fileOffset: cut });
    at += a.size - cut;
  }
  if (live.size > live.start) segments.push({ path: live.path, start: live.start, end: live.size, fileOffset: live.start });
  return segments;
}

/** Length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence (pages then decode whole). Pure. */
export function utf8PrefixLength(bytes: Uint8Array): number {
  // Look back at most 3 bytes for the lead byte of the last sequence.
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: keep looking for its lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? bytes.length - back : bytes.length;
  }
  return bytes.length; // not UTF-8 at all: leave it as it is
}

/** A page of a rotated log, in the live file's offset space. */
export interface LogRange {
  bytes: Buffer;
  /** Offset of the page's first byte: the offset asked for, or the oldest byte still on disk if that is later. */
  offset: number;
  /** Offset just after the page: where the next page starts. */
  nextOffset: number;
  /** The live file's size: the offset the log ends at now. */
  size: number;
  /** Bytes between the offset asked for and `offset` that rotation deleted (0: none). */
  dropped: number;
}

function layout(path: string): LogSegment[] {
  const archives: Array<{ path: string; size: number }> = [];
  for (const part of logParts(path)) if (part.path !== path) archives.push({ path: part.path, size: statSync(part.path).size });
  const size = existsSync(path) ? statSync(path).size : 0;
  return logSegments(archives, { path, start: liveStart(path), size });
}

function sameLayout(a: LogSegment[], b: LogSegment[]): boolean {
  return a.length === b.length && a.every((s, i) => s.path === b[i]!.path && s.start === b[i]!.start && s.end === b[i]!.end);
}

/**
 * Reads up to `limit` bytes of the log at `path` from `offset`, across its archives and the live part, never
 * the punched hole. A page that would end inside a UTF-8 character ends before it. Reads synchronously, so a
 * rotation in this process cannot interleave; one by another process is seen as a changed layout and read again.
 */
export function readLogRange(path: string, offset: number, limit: number): LogRange {
  for (let attempt = 0; ; attempt++) {
    const segments = layout(path);
    const oldest = segments[0]?.start ?? (existsSync(path) ? statSync(path).size : 0);
    const size = segments.at(-1)?.end ?? oldest;
    const from = Math.min(Math.max(offset, oldest), size);
    const chunks: Buffer[] = [];
    let at = from;
    for (const s of segments) {
      if (at >= s.end || at - from >= limit) continue;
      const length = Math.min(s.end - at, limit - (at - from));
      const buf = Buffer.alloc(length);
      const fd = openSync(s.path, 'r');
      let n = 0;
      try {
        n = readSync(fd, buf, 0, length, s.fileOffset + (at - s.start));
      } finally {
        closeSync(fd);
      }
      chunks.push(buf.subarray(0, n));
      at += n;
      if (n < length) break;
    }
    if (attempt < 3 && !sameLayout(segments, layout(path))) continue;
    let bytes = Buffer.concat(chunks);
    if (at < size) bytes = bytes.subarray(0, utf8PrefixLength(bytes) || bytes.length);
    return { bytes, offset: from, nextOffset: from + bytes.length, size, dropped: Math.max(0, from - offset) };
  }
}
