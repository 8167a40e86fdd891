import { describe, expect, it } from 'vitest';
import { currentUptimeMs, formatBytes, formatPercent, formatUptime } from '../../../src/renderer/src/lib/format';

describe('formatUptime', () => {
  it.each([
    [undefined, '—'],
    [-5, '—'],
    [0, '0s'],
    [12_400, '12s'],
    [249_000, '4m 09s'],
    [2 * 3600_000 + 5 * 60_000, '2h 05m'],
    [3 * 86_400_000 + 4 * 3600_000 + 59_000, '3d 4h'],
  ])('%s ms -> %s', (ms, text) => expect(formatUptime(ms)).toBe(text));

  it('counts from startedAt when known', () => {
    expect(currentUptimeMs('2026-01-01T00:00:00Z', 5, Date.parse('2026-01-01T00:01:00Z'))).toBe(60_000);
    expect(currentUptimeMs(undefined, 5, 0)).toBe(5);
    expect(currentUptimeMs('garbage', 7, 0)).toBe(7);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [300 * 1048576, '300 MiB'],
    [10 * 1024 ** 3, '10 GiB'],
    [1.25 * 1024 ** 4, '1.3 TiB'],
    [undefined, '—'],
    [Number.NaN, '—'],
  ])('%s -> %s', (n, text) => expect(formatBytes(n)).toBe(text));
});

describe('formatPercent', () => {
  it.each([
    [3.25, '3.3%'],
    [57.4, '57%'],
    [undefined, '—'],
  ])('%s -> %s', (n, text) => expect(formatPercent(n)).toBe(text));
});
