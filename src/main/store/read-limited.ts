// Reads a small regular file without blocking on FIFOs or devices: opened O_NONBLOCK, checked with fstat
// (same file descriptor, so no swap between check and read), read up to a byte limit.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why a file could not be read. */
export type ReadLimitedError = { reason: 'missing' | 'not-regular' | 'too-large' | 'unreadable'; message: string };

/** The file's text, or why it could not be read. */
export async function readLimitedFile(path: string, maxBytes: number): Promise<{ ok: true; text: string } | ({ ok: false } & ReadLimitedError)> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? { ok: false, reason: 'missing', message: `${path} does not exist` }
      : { ok: false, reason: 'unreadable', message: `cannot read ${path}: ${(err as Error).message}` };
  }
  try {
    const s = await fh.stat();
    if (!s.isFile()) return { ok: false, reason: 'not-regular', message: `${path} is not a regular file` };
    if (s.size > maxBytes) return { ok: false, reason: 'too-large', message: `${path} is larger than ${maxBytes} bytes` };
    const buf = Buffer.alloc(maxBytes + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, total, buf.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) return { ok: false, reason: 'too-large', message: `${path} is larger than ${maxBytes} bytes` };
    }
    return { ok: true, text: buf.subarray(0, total).toString('utf8') };
  } catch (err) {
    return { ok: false, reason: 'unreadable', message: `cannot read ${path}: ${(err as Error).message}` };
  } finally {
    await fh.close();
  }
}
