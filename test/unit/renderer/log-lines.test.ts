import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHUNK_LINES, LogLines, type LogSource } from '../../../src/renderer/src/lib/log-lines';

const both = new Set<LogSource>(['stderr', 'event']);

describe('LogLines', () => {
  it('returns every line by index across sealed chunks and the open one', () => {
    const log = new LogLines();
    const n = CHUNK_LINES * 2 + 17;
    const lines = Array.from({ length: n }, (_, i) => `line ${i}${'x'.repeat(i % 7)}`);
    log.append('stderr', lines.slice(0, 100));
    log.append('event', lines.slice(100));
    expect(log.count).toBe(n);
    for (const i of [0, 99, 100, CHUNK_LINES - 1, CHUNK_LINES, 2 * CHUNK_LINES - 1, 2 * CHUNK_LINES, n - 1]) {
      expect(log.line(i)).toBe(lines[i]);
    }
    expect(log.source(5)).toBe('stderr');
    expect(log.source(500)).toBe('event');
    expect(log.line(n)).toBe('');
  });

  it('keeps empty lines', () => {
    const log = new LogLines();
    log.append('stderr', Array.from({ length: CHUNK_LINES + 2 }, () => ''));
    expect(log.line(CHUNK_LINES - 1)).toBe('');
    expect(log.line(CHUNK_LINES)).toBe('');
  });

  it('searches case-insensitively, once per line, with the source filter', () => {
    const log = new LogLines();
    const lines = Array.from({ length: CHUNK_LINES * 3 }, (_, i) => (i % 1000 === 7 ? `hit Needle needle ${i}` : `miss ${i}`));
    log.append('stderr', lines);
    log.append('event', ['an event with NEEDLE']);
    const expected = lines.flatMap((l, i) => (l.startsWith('hit') ? [i] : []));
    expect([...log.search('NEEDLE', new Set(['stderr']))]).toEqual(expected);
    expect([...log.search('needle', both)]).toEqual([...expected, lines.length]);
    expect([...log.search('needle', new Set(['event']))]).toEqual([lines.length]);
    expect(log.search('', new Set(['event'])).length).toBe(1);
    expect(log.search('', both).length).toBe(lines.length + 1);
  });

  it('search agrees with a line-by-line filter (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }).map((s) => s.replace(/\n/g, ' ')), { maxLength: 300 }), fc.string({ minLength: 1, maxLength: 3 }), (lines, q) => {
        const query = q.replace(/\n/g, '');
        if (query === '') return;
        const log = new LogLines();
        // Small chunks are exercised by appending many lines; the property holds for any content.
        log.append('stderr', lines);
        const want = lines.flatMap((l, i) => (l.toLowerCase().includes(query.toLowerCase()) ? [i] : []));
        expect([...log.search(query, both)]).toEqual(want);
      }),
    );
  });

  it('holds a million lines', () => {
    const log = new LogLines();
    const batch = Array.from({ length: 10_000 }, (_, i) => `qemu: line ${i}`);
    for (let k = 0; k < 100; k++) log.append('stderr', batch);
    expect(log.count).toBe(1_000_000);
    expect(log.line(999_999)).toBe('qemu: line 9999');
    expect(log.search('line 9999', both).length).toBe(100);
  });

  it('drops the oldest whole chunks beyond its limit and keeps indices consistent', () => {
    const log = new LogLines(CHUNK_LINES * 2);
    const n = CHUNK_LINES * 3 - 5;
    log.append('stderr', Array.from({ length: n }, (_, i) => `l${i}`));
    expect(log.dropped).toBe(CHUNK_LINES);
    expect(log.count).toBe(n - CHUNK_LINES);
    expect(log.line(0)).toBe(`l${CHUNK_LINES}`);
    expect(log.line(log.count - 1)).toBe(`l${n - 1}`);
    expect(log.line(CHUNK_LINES)).toBe(`l${2 * CHUNK_LINES}`);
    expect([...log.search(`l${2 * CHUNK_LINES + 1}`, both)]).toEqual([CHUNK_LINES + 1]);
  });
});
