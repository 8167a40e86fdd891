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
