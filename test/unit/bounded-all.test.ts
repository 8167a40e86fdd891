// mapBounded: every item mapped, in order, never more than the limit under way at once.
import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../src/main/supervisor/bounded-all';

describe('mapBounded', () => {
  it('maps every item in order with at most `limit` calls pending', async () => {
    let pending = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
      pending++;
      peak = Math.max(peak, pending);
      await new Promise((r) => setTimeout(r, n)); // finish out of order
      pending--;
      return `${i}:${n * 2}`;
    });
    expect(out).toEqual(['0:10', '1:2', '2:8', '3:4', '4:6', '5:0', '6:12']);
    expect(peak).toBe(3);
  });

  it('uses all the concurrency it may (not one at a time)', async () => {
    let pending = 0;
    let peak = 0;
    await mapBounded(Array.from({ length: 32 }, (_, i) => i), 16, async () => {
      pending++;
      peak = Math.max(peak, pending);
      await new Promise((r) => setImmediate(r));
      pending--;
    });
    expect(peak).toBe(16);
  });

  it('resolves an empty list at once and refuses a bad limit', async () => {
    await expect(mapBounded([], 4, async () => 1)).resolves.toEqual([]);
    await expect(mapBounded([1], 0, async () => 1)).rejects.toThrow(/limit must be a positive integer/);
  });

  it('rejects when a call rejects', async () => {
    await expect(mapBounded([1, 2, 3], 2, async (n) => { if (n === 2) throw new Error('boom'); return n; })).rejects.toThrow('boom');
  });
});
