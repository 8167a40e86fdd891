// Reading the ends of log files without loading them whole.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** The last `maxBytes` of a file (from `fromOffset` at the earliest), as text; '' when missing. */
export function readTail(path: string, maxBytes: number, fromOffset = 0): string {
  if (!existsSync(path)) return '';
  const size = statSync(path).size;
  const start = Math.max(fromOffset, size - maxBytes, 0);
  const len = size - start;
  if (len <= 0) return '';
  const buf = Buffer.alloc(len);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, len, start);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8').replace(/\0+/g, '');
}

/** QEMU's own error line(s) from its stderr: lines that name the binary, else the last lines. Pure. */
export function qemuErrorLines(stderrText: string, maxLines = 3): string {
  const lines = stderrText
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /^qemu-system-[\w-]+:|^qemu-img:|error/i.test(l));
  return (errors.length ? errors : lines).slice(-maxLines).join('\n');
}

/** The last `n` lines of a text. Pure. */
export function lastLines(text: string, n: number): string {
  const lines = text.replace(/\r/g, '').split('\n');
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-n).join('\n');
}
