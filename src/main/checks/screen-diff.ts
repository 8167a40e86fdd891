// Whether two screenshots show the same screen. Not byte equality: VGA text mode blinks its cursor, so a
// screen whose text has stopped changing still differs in a handful of pixels between two screenshots.
import { PNG } from 'pngjs';

/** Largest share of pixels that may differ for two screens to count as the same (a text cursor is ~0.01%). */
export const SETTLED_MAX_CHANGED = 0.001;

/** The share (0..1) of pixels that differ between two RGBA images; 1 when their sizes differ. Pure. */
export function changedShare(a: { width: number; height: number; data: Uint8Array }, b: { width: number; height: number; data: Uint8Array }): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  const pixels = a.width * a.height;
  if (pixels === 0) return 0;
  let changed = 0;
  for (let i = 0; i < pixels * 4; i += 4) {
    if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) changed++;
  }
  return changed / pixels;
}

/** The share of pixels that differ between two PNG files' bytes. */
export function pngChangedShare(a: Buffer, b: Buffer): number {
  if (a.equals(b)) return 0;
  return changedShare(PNG.sync.read(a), PNG.sync.read(b));
}
