// Console-shaped bytes for the console pipeline figure: kernel-style lines with CR LF, some ANSI colour
// sequences and a progress line redrawn with CR, as a serial console shows them.
import { closeSync, openSync, writeSync } from 'node:fs';

/** One MiB of console-like text (deterministic). */
export function consoleBlock(): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 1024 * 1024; i++) {
    const t = `[${String(Math.floor(i / 1000)).padStart(5)}.${String((i * 7919) % 1_000_000).padStart(6, '0')}]`;
    const line =
      i % 50 === 0 ? `\x1b[0;32m  OK  \x1b[0m Started vmdesk test unit ${i}.\r\n`
      : i % 97 === 0 ? `progress ${i % 100}%\rprogress ${(i + 1) % 100}%\r\n`
      : `${t} virtio_net virtio0 eth0: console line ${i} of the vmdesk console pipeline benchmark\r\n`;
    parts.push(line);
    size += Buffer.byteLength(line);
  }
  return Buffer.from(parts.join('')).subarray(0, 1024 * 1024);
}

/** Writes `mib` MiB of console text to `path`. */
export function writeConsoleFile(path: string, mib: number): void {
  const block = consoleBlock();
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < mib; i++) writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
}
