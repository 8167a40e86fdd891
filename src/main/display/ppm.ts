// QEMU's screendump without `format` (QEMU before 7.1, or built without libpng) writes a binary PPM (P6).
// This turns one into a PNG with pngjs. Pure.
import { PNG } from 'pngjs';
import { VmdeskError } from '../../shared/errors';

/** Width, height and the RGB bytes of a P6 PPM with maxval 255 (what QEMU writes: ui/console.c ppm_save). */
export function parsePpm(data: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const head = Buffer.from(data.subarray(0, Math.min(64, data.length))).toString('latin1');
  const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(head);
  if (!m) throw new VmdeskError('INTERNAL', 'screendump: QEMU wrote a file that is not a P6 PPM');
  const [width, height, maxval] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const offset = m[0].length;
  if (maxval !== 255 || data.length < offset + width * height * 3) {
    throw new VmdeskError('INTERNAL', `screendump: unexpected PPM (${width}x${height}, maxval ${maxval}, ${data.length} bytes)`);
  }
  return { width, height, rgb: data.subarray(offset, offset + width * height * 3) };
}

/** A PNG (RGBA, opaque) of a P6 PPM. */
export function ppmToPng(data: Uint8Array): Buffer {
  const { width, height, rgb } = parsePpm(data);
  const png = new PNG({ width, height });
  for (let i = 0, j = 0; i < width * height; i++, j += 3) {
    png.data[i * 4] = rgb[j]!;
    png.data[i * 4 + 1] = rgb[j + 1]!;
    png.data[i * 4 + 2] = rgb[j + 2]!;
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}
