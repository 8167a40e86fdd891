// The VM's timeline file on real files: bounded by rotation to events.jsonl.1, read back newest-last across both.
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendEvent, eventsPath, readEvents } from '../../src/main/supervisor/events-log';
import type { VmEvent } from '../../src/shared/vm';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vd-events-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ev = (i: number): VmEvent => ({ at: new Date(1_700_000_000_000 + i).toISOString(), kind: 'lifecycle', type: 'tick', message: `event ${i}` });

describe('events.jsonl', () => {
  it('rotates past the size bound, keeps one previous file, and reads the newest events across both', () => {
    const max = 2_000; // a small bound for the test; the real one is 4 MiB
    for (let i = 0; i < 100; i++) appendEvent(dir, ev(i), max);
    expect(statSync(eventsPath(dir)).size).toBeLessThan(max + 200);
    expect(existsSync(`${eventsPath(dir)}.1`)).toBe(true);
    expect(statSync(`${eventsPath(dir)}.1`).size).toBeLessThan(max + 200);
    const newest = readEvents(dir, 20).map((e) => e.message);
    expect(newest).toEqual(Array.from({ length: 20 }, (_, k) => `event ${80 + k}`));
    // Asked for more than the current file holds: the rest comes from events.jsonl.1, in order.
    const all = readEvents(dir, 1000).map((e) => Number(e.message.split(' ')[1]));
    expect(all.at(-1)).toBe(99);
    expect(all).toEqual(Array.from({ length: all.length }, (_, k) => all[0]! + k)); // in order, no gap at the file boundary
    expect(all.length).toBeGreaterThan(20);
    expect(all.length).toBeLessThan(100); // the oldest rotated out for good
  });
});
