// What `qemu-img info` would say about an image, decided from its first bytes in-process when that is
// certain, so that planning does not spawn qemu-img (15-50 ms) for the common images: a plain raw disk and
// a self-contained qcow2. Anything else, or anything unusual, is left to qemu-img (undefined). Pure.
//
// Why this is safe: the format vmdesk passes to QEMU decides which other files QEMU opens. "raw" opens
// nothing else; a qcow2 opens only its backing file and external data file, both named in the header,
// and the fast path requires both to be absent. Why it matches qemu-img: QEMU picks the format by asking
// every block driver's probe for a score (block.c bdrv_probe_all); raw scores 1 and wins only when no
// other driver recognises the bytes. Every other QEMU 7.2 probe (bochs, cloop, dmg, luks, parallels, qcow,
// qcow2, qed, vdi, vhdx, vmdk, vpc) looks for a magic at offset 0 (all but qcow/qcow2/luks in printable
// ASCII), vmdk's text descriptor (which may start with comment and blank lines), VDI's signature at offset 64, or (dmg) a ".dmg" file name.
// So "raw" is answered only when none of those can match: a file that starts with 4 printable ASCII
// bytes, or with '#', ' ' or 'v', is always left to qemu-img. Sizes follow QEMU's rounding (raw: up to 512 bytes, block.c
// bdrv_refresh_total_sectors; qcow2: down, qcow2_do_open total_sectors = size / 512). A qcow2 that QEMU
// would refuse for a reason this reader cannot see (a damaged table deep in the file) is refused by QEMU
// at start instead of by planning, with QEMU's own error; nothing outside the image is opened either way.
// test/unit/driver-image-probe.test.ts holds this against `qemu-img info` on real images of every format.
import type { ImageHeader } from './image-header';

/** The part of `qemu-img info` that planning uses. */
export interface ProbedInfo {
  format: 'raw' | 'qcow2';
  virtualSize: number;
}

const QCOW_MAGIC = 0x514649fb;
const VDI_SIGNATURE = 0xbeda107f; // little-endian u32 at offset 64 (block/vdi.c)
/** qcow2 incompatible feature bits that qemu-img info opens without trouble and that change nothing here: dirty, corrupt. */
const QCOW2_HARMLESS_INCOMPATIBLE = 0b11n;
const SECTOR = 512;

function printable(b: number): boolean {
  return b >= 0x20 && b < 0x7f;
}

/** True when no QEMU format probe other than raw's can recognise these bytes (see the file comment). */
function certainlyRaw(buf: Uint8Array, fileName: string): boolean {
  if (fileName.endsWith('.dmg')) return false; // block/dmg.c dmg_probe goes by the file name
  if (buf.length >= 4 && buf.subarray(0, 4).every(printable)) return false; // every ASCII magic
  // block/vmdk.c vmdk_probe accepts a text descriptor after comment lines ('#') and blank lines (' '), at
  // "version="; block/cloop.c's magic starts with "#!".
  if (buf.length > 0 && (buf[0] === 0x23 || buf[0] === 0x20 || buf[0] === 0x76)) return false;
  if (buf.length >= 4 && new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0) === QCOW_MAGIC) return false;
  if (buf.length >= 68 && new DataView(buf.buffer, buf.byteOffset + 64, 4).getUint32(0, true) === VDI_SIGNATURE) return false;
  return true;
}

/** qcow2 header fields (docs/interop/qcow2.txt), when the image is a self-contained qcow2 QEMU opens plainly. */
function plainQcow2Size(buf: Uint8Array, header: ImageHeader): number | undefined {
  if (header.kind !== 'qcow2' || header.problem || header.backingFile || header.dataFile || buf.length < 72) return undefined;
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = v.getUint32(4);
  const clusterBits = v.getUint32(20);
  const size = v.getBigUint64(24);
  const cryptMethod = v.getUint32(32);
  const l1Size = v.getUint32(36);
  const l1Offset = v.getBigUint64(40);
  const refcountOffset = v.getBigUint64(48);
  const nbSnapshots = v.getUint32(60);
  const snapshotsOffset = v.getBigUint64(64);
  if (version !== 2 && version !== 3) return undefined;
  if (clusterBits < 9 || clusterBits > 21 || cryptMethod !== 0) return undefined;
  const clusterSize = 1n << BigInt(clusterBits);
  if (version === 3) {
    if (buf.length < 104) return undefined;
    const incompatible = v.getBigUint64(72);
    const refcountOrder = v.getUint32(96);
    const headerLength = v.getUint32(100);
    // Data file (bit 2), compression type (3), extended L2 (4) and unknown bits: qemu-img decides.
    if ((incompatible & ~QCOW2_HARMLESS_INCOMPATIBLE) !== 0n) return undefined;
    if (refcountOrder > 6 || headerLength < 104 || BigInt(headerLength) > clusterSize) return undefined;
  }
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  // The tables QEMU validates on open (qcow2_do_open, validate_table_offset): cluster-aligned, L1 big enough.
  const l2Entries = clusterSize / 8n;
  const l1Needed = (size + clusterSize * l2Entries - 1n) / (clusterSize * l2Entries);
  if (BigInt(l1Size) < l1Needed || l1Size > 32 * 1024 * 1024 / 8) return undefined;
  if (l1Offset % clusterSize !== 0n || refcountOffset % clusterSize !== 0n || refcountOffset === 0n) return undefined;
  if (nbSnapshots > 65536 || (nbSnapshots > 0 && snapshotsOffset % clusterSize !== 0n)) return undefined;
  return Number((size / BigInt(SECTOR)) * BigInt(SECTOR));
}

/**
 * What `qemu-img info [-f formatHint]` would report for an image with these first bytes, size and name,
 * when the bytes make it certain; undefined when only qemu-img can tell (then call it). `buf` is the start
 * of the file (HEADER_BYTES, or the whole file when shorter), `header` its parseImageHeader result.
 */
export function probeImageInfo(buf: Uint8Array, header: ImageHeader, fileSize: number, fileName: string, formatHint?: string): ProbedInfo | undefined {
  const rawSize = Math.ceil(fileSize / SECTOR) * SECTOR;
  if (formatHint === 'raw') return { format: 'raw', virtualSize: rawSize }; // -f raw: no probing, the file as it is
  if (formatHint !== undefined && formatHint !== 'qcow2') return undefined;
  const qcow2Size = plainQcow2Size(buf, header);
  if (qcow2Size !== undefined) return { format: 'qcow2', virtualSize: qcow2Size };
  if (formatHint === undefined && header.kind === 'unknown' && certainlyRaw(buf, fileName)) return { format: 'raw', virtualSize: rawSize };
  return undefined;
}
