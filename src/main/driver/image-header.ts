// Reads the first bytes of an image to learn, before QEMU or qemu-img opens anything, which other files it
// refers to. qemu-img info opens a qcow2's external data file (and a VMDK's extents) while inspecting, so
// those names are checked from the header first. Pure: takes the bytes.
// Formats: qcow2 spec (docs/interop/qcow2.txt), VMDK 1.1 spec, QED spec (docs/interop/qed_spec.txt).

/** What the header says. */
export interface ImageHeader {
  /** The container format recognised from the magic, or 'unknown' (raw, ISO, ...: no references). */
  kind: 'qcow2' | 'qcow' | 'qed' | 'vmdk' | 'luks' | 'unknown';
  backingFile?: string;
  backingFormat?: string;
  dataFile?: string;
  /** Set when the header is damaged or truncated. */
  problem?: string;
}

/** Bytes to read from the start of an image for parseImageHeader. */
export const HEADER_BYTES = 64 * 1024;

const QCOW_MAGIC = 0x514649fb; // "QFI\xfb"
const EXT_BACKING_FORMAT = 0xe2792aca;
const EXT_DATA_FILE = 0x44415441; // "DATA"

/** Parses the start of an image file. */
export function parseImageHeader(buf: Uint8Array): ImageHeader {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const text = (from: number, len: number) => new TextDecoder('utf-8', { fatal: false }).decode(buf.subarray(from, from + len));
  if (buf.length >= 4 && view.getUint32(0) === QCOW_MAGIC) {
    if (buf.length < 72) return { kind: 'qcow2', problem: 'qcow2 header is truncated' };
    const version = view.getUint32(4);
    if (version < 2) return { kind: 'qcow' };
    const header: ImageHeader = { kind: 'qcow2' };
    const backingOffset = Number(view.getBigUint64(8));
    const backingSize = view.getUint32(16);
    if (backingOffset !== 0 && backingSize > 0) {
      if (backingSize > 1023 || backingOffset + backingSize > buf.length) return { kind: 'qcow2', problem: 'qcow2 backing file name is out of range' };
      header.backingFile = text(backingOffset, backingSize);
    }
    // Header extensions follow the header: at 72 for v2, at header_length for v3.
    let pos = version >= 3 && buf.length >= 104 ? view.getUint32(100) : 72;
    for (let guard = 0; guard < 64 && pos + 8 <= buf.length; guard++) {
      const type = view.getUint32(pos);
      const len = view.getUint32(pos + 4);
      if (type === 0) break;
      if (pos + 8 + len > buf.length) return { ...header, problem: 'qcow2 header extension is out of range' };
      if (type === EXT_BACKING_FORMAT) header.backingFormat = text(pos + 8, len);
      if (type === EXT_DATA_FILE) header.dataFile = text(pos + 8, len);
      pos += 8 + Math.ceil(len / 8) * 8;
    }
    return header;
  }
  if (buf.length >= 4 && text(0, 4) === 'QED\0') {
    const header: ImageHeader = { kind: 'qed' };
    if (buf.length >= 64) {
      const off = view.getUint32(56, true);
      const size = view.getUint32(60, true);
      if (off && size && off + size <= buf.length) header.backingFile = text(off, size);
    }
    return header;
  }
  if (buf.length >= 4 && (text(0, 4) === 'KDMV' || text(0, 4) === 'COWD' || text(0, 21) === '# Disk DescriptorFile')) {
    return { kind: 'vmdk' };
  }
  if (buf.length >= 6 && text(0, 4) === 'LUKS' && buf[4] === 0xba && buf[5] === 0xbe) return { kind: 'luks' };
  return { kind: 'unknown' };
}
