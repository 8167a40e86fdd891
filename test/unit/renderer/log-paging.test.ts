// The Logs tab's paging: tail first, older pages backwards; every line comes out whole and once.
import { describe, expect, it } from 'vitest';
import { olderRange, splitOlderPage, tailStart, takeHead } from '../../../src/renderer/src/lib/log-paging';

/** Reads `log` as the store does: the tail from tailStart, then older pages back to 0; returns the lines. */
function pageThrough(log: string, tailBytes: number, pageBytes: number): string[] {
  const start = tailStart(log.length, tailBytes);
  let tail = log.slice(start);
  let head = '';
  if (start > 0) ({ head, text: tail } = takeHead(tail));
  const parts = tail.split('\n');
  const rest = parts.pop()!; // an unfinished last line waits for more (as the live tail does)
  let lines = parts;
  for (let r = olderRange(start, pageBytes); r; r = olderRange(r.offset, pageBytes)) {
    const page = splitOlderPage(log.slice(r.offset, r.offset + r.limit), r.offset > 0, head);
    head = page.head;
    lines = [...page.lines, ...lines];
  }
  return rest ? [...lines, rest] : lines;
}

describe('log paging', () => {
  it('reads the tail first and then older pages back to line 1, each line whole and once', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i + 1}${'x'.repeat(i % 13)}`);
    const log = lines.join('\n') + '\n';
    for (const [tailBytes, pageBytes] of [[100, 37], [1, 1], [7, 4096], [log.length, 10], [log.length + 5, 10], [333, 333]] as const) {
      expect(pageThrough(log, tailBytes, pageBytes), `tail ${tailBytes}, page ${pageBytes}`).toEqual(lines);
    }
  });

  it('keeps empty lines and an unfinished last line', () => {
    const log = 'a\n\n\nbb\n\nccc';
    for (let tail = 1; tail <= log.length; tail++) for (let page = 1; page <= 4; page++) expect(pageThrough(log, tail, page)).toEqual(['a', '', '', 'bb', '', 'ccc']);
  });

  it('ranges: the last tailBytes, then pages back to 0, then nothing', () => {
    expect(tailStart(1000, 256)).toBe(744);
    expect(tailStart(100, 256)).toBe(0);
    expect(olderRange(744, 500)).toEqual({ offset: 244, limit: 500 });
    expect(olderRange(244, 500)).toEqual({ offset: 0, limit: 244 });
    expect(olderRange(0, 500)).toBeUndefined();
  });

  it('takeHead: the part before the first newline; no newline, all of it', () => {
    expect(takeHead('ne 7\nline 8\n')).toEqual({ head: 'ne 7', text: 'line 8\n' });
    expect(takeHead('partial')).toEqual({ head: 'partial', text: '' });
  });
});
