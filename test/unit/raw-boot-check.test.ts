// The raw-image boot check (src/main/driver/raw-boot-check.ts), by table over made-up heads, and over the
// project's real test guest disk (which boots, so it must pass).
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rawBootWarning, readRawHead } from '../../src/main/driver/raw-boot-check';
import { guestDisk } from '../helpers/guest';

const head = (size: number, marks: Array<[number, number[] | string]> = []) => {
  const b = new Uint8Array(size);
  for (const [at, v] of marks) b.set(typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : v, at);
  return b;
};

describe('rawBootWarning', () => {
  it.each([
    ['MBR / boot sector', head(4096, [[510, [0x55, 0xaa]]]), undefined],
    ['GPT', head(4096, [[512, 'EFI PART']]), undefined],
    ['ISO 9660', head(40_000, [[0x8001, 'CD001']]), undefined],
    ['ext4', head(4096, [[1080, [0x53, 0xef]]]), undefined],
    ['XFS', head(4096, [[0, 'XFSB']]), undefined],
    ['btrfs', head(70_000, [[0x10040, '_BHRfS_M']]), undefined],
    ['zeros', head(4096), 'has no boot sector, partition table or known file system'],
  ])('%s', (_title, buf, want) => {
    const w = rawBootWarning(buf, 1024 * 1024, '/i/x.img');
    if (want === undefined) expect(w).toBeUndefined();
    else expect(w).toContain(want);
  });
  it('a tiny text file is too small for a boot sector, and the warning names the firmware message', () => {
    const text = new TextEncoder().encode('these are my notes, not a VM\n');
    expect(rawBootWarning(text, text.length, '/i/notes.img')).toBe(
      'the raw image /i/notes.img is only 29 bytes, too small for a boot sector: the firmware will most likely stop at "No bootable device" (pick the disk image itself, or boot it with -kernel in args)',
    );
  });
  it('passes the real test guest disk', async () => {
    expect(rawBootWarning(await readRawHead(guestDisk), statSync(guestDisk).size, guestDisk)).toBeUndefined();
  });
});
