// One VM's log as the Logs tab reads it: older pages loaded backwards (each its own LogLines) before the tail.
import { LogLines, type LogSource } from './log-lines';

/** What the Logs tab reads of a log: counted, indexed lines with their source, searchable. */
export interface LogLineSource {
  readonly count: number;
  /** Lines dropped from the front (line numbers shown to the user add this). */
  readonly dropped: number;
  line(i: number): string;
  source(i: number): LogSource;
  search(query: string, allowed: ReadonlySet<LogSource>): Uint32Array;
}

/** The tail (and live) lines, with older pages put in front of them as they are loaded. */
export class PagedLog implements LogLineSource {
  /** Older pages, oldest first. */
  private older: LogLines[] = [];
  private olderTotal = 0;

  constructor(readonly tail: LogLines) {}

  /** Lines loaded from older pages (in front of the tail). */
  get olderCount(): number {
    return this.olderTotal;
  }

  get count(): number {
    return this.olderTotal + this.tail.count;
  }

  get dropped(): number {
    return this.older.length ? 0 : this.tail.dropped;
  }

  /** Puts the lines of an older page in front of all loaded lines. */
  prepend(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const page = new LogLines(Number.MAX_SAFE_INTEGER);
    page.append('stderr', lines);
    this.older.unshift(page);
    this.olderTotal += page.count;
  }

  line(i: number): string {
    const at = this.locate(i);
    return at ? at.part.line(at.index) : '';
  }

  source(i: number): LogSource {
    const at = this.locate(i);
    return at ? at.part.source(at.index) : 'stderr';
  }

  search(query: string, allowed: ReadonlySet<LogSource>): Uint32Array {
    const found: Uint32Array[] = [];
    let base = 0;
    for (const part of [...this.older, this.tail]) {
      const r = part.search(query, allowed);
      for (let k = 0; k < r.length; k++) r[k]! += base;
      found.push(r);
      base += part.count;
    }
    const out = new Uint32Array(found.reduce((n, r) => n + r.length, 0));
    let at = 0;
    for (const r of found) {
      out.set(r, at);
      at += r.length;
    }
    return out;
  }

  private locate(i: number): { part: LogLines; index: number } | undefined {
    if (i < 0) return undefined;
    let index = i;
    for (const part of this.older) {
      if (index < part.count) return { part, index };
      index -= part.count;
    }
    return index < this.tail.count ? { part: this.tail, index } : undefined;
  }
}
