// A sanity check of raw images: a file with neither a boot sector, a partition table nor a known file-system
// signature boots to the firmware's "No bootable device" (a text file picked by mistake, an empty disk).
// Pure over the first bytes; readRawHead is the I/O edge.
import { open } from 'node:fs/promises';

/** Bytes readRawHead reads: enough for the ISO 9660 descriptor (32 KiB + 6) and the btrfs superblock (64 KiB + 72). */
export const RAW_HEAD_BYTES = 64 * 1024 + 128;

const ascii = (buf: Uint8Array, at: number, text: string) =>
  buf.length >= at + text.length && [...text].every((ch, i) => buf[at + i] === ch.charCodeAt(0));

/** Signatures that make a raw image bootable or at least a disk (a firmware or `-kernel` can use it). */
function knownLayout(buf: Uint8Array): string | undefined {
  if (buf.length >= 512 && buf[510] === 0x55 && buf[511] === 0xaa) return 'boot sector or partition table';
  if (ascii(buf, 512, 'EFI PART')) return 'GPT';
  if (ascii(buf, 0x8001, 'CD001')) return 'ISO 9660';
  if (buf.length >= 1082 && buf[1080] === 0x53 && buf[1081] === 0xef) return 'ext2/3/4';
  if (ascii(buf, 0, 'XFSB') || ascii(buf, 0, 'hsqs') || ascii(buf, 0x10040, '_BHRfS_M')) return 'file system';
  return undefined;
}

/** A warning for a raw image QEMU's firmware will not boot, or undefined when it looks like a disk. Pure. */
export function rawBootWarning(head: Uint8Array, fileSize: number, path: string): string | undefined {
  if (knownLayout(head)) return undefined;
  const what = fileSize < 512 ? `is only ${fileSize} bytes, too small for a boot sector` : 'has no boot sector, partition table or known file system';
  return `the raw image ${path} ${what}: the firmware will most likely stop at "No bootable device" (pick the disk image itself, or boot it with -kernel in args)`;
}

/** The first RAW_HEAD_BYTES of a file (fewer when it is shorter). */
export async function readRawHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(RAW_HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, RAW_HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
