// A compact, append-only store of log lines: a million lines cost a few strings and typed arrays,
// not a million objects. Lines are grouped in chunks of CHUNK_LINES joined by "\n"; a line is found by
// its chunk and its start offset inside the chunk.

/** Where a log line came from. */
export type LogSource = 'stderr' | 'event';

/** Lines per sealed chunk. */
export const CHUNK_LINES = 4096;

const SOURCE_CODES: Record<LogSource, number> = { stderr: 0, event: 1 };
const SOURCES: LogSource[] = ['stderr', 'event'];

/**
 * Lines kept at most; older lines are dropped a chunk at a time. 1.5 M rows of 18 px stay under the
 * tallest element Chromium lays out (about 33.5 M px), so the virtual list can still reach every line.
 */
export const MAX_LINES = 1_500_000;

/** Append-only log line storage with O(1) access by index (index 0 is the oldest line still kept). */
export class LogLines {
  /** Lines dropped from the front so far (line numbers shown to the user add this). */
  dropped = 0;

  private sealed: string[] = [];
  private lowerSealed: Array<string | undefined> = [];
  private open: string[] = [];
  private openLength = 0;
  private starts = new Uint32Array(1024);
  private sources = new Uint8Array(1024);
  private total = 0;

  /** `maxLines` is rounded up to whole chunks. */
  constructor(private readonly maxLines = MAX_LINES) {}

  /** Number of lines stored. */
  get count(): number {
    return this.total;
  }

  /** Appends lines from one source. Lines must not contain "\n". */
  append(source: LogSource, lines: readonly string[]): void {
    const code = SOURCE_CODES[source];
    this.ensureCapacity(this.total + lines.length);
    for (const line of lines) {
      this.starts[this.total] = this.openLength;
      this.sources[this.total] = code;
      this.open.push(line);
      this.openLength += line.length + 1;
      this.total++;
      if (this.open.length === CHUNK_LINES) this.seal();
    }
    while (this.total > Math.max(this.maxLines, CHUNK_LINES) && this.sealed.length > 0) this.dropOldestChunk();
  }

  private dropOldestChunk(): void {
    this.sealed.shift();
    this.lowerSealed.shift();
    this.starts.copyWithin(0, CHUNK_LINES, this.total);
    this.sources.copyWithin(0, CHUNK_LINES, this.total);
    this.total -= CHUNK_LINES;
    this.dropped += CHUNK_LINES;
  }

  /** The text of line `i` (0-based). */
  line(i: number): string {
    if (i < 0 || i >= this.total) return '';
    const chunk = Math.floor(i / CHUNK_LINES);
    if (chunk === this.sealed.length) return this.open[i - chunk * CHUNK_LINES] ?? '';
    const text = this.sealed[chunk]!;
    const start = this.starts[i]!;
    const lastInChunk = (i + 1) % CHUNK_LINES === 0;
    const end = lastInChunk ? text.length : this.starts[i + 1]! - 1;
    return text.slice(start, end);
  }

  /** Where line `i` came from. */
  source(i: number): LogSource {
    return SOURCES[this.sources[i] ?? 0]!;
  }

  /**
   * Indices of the lines that contain `query` (case-insensitive) and come from an allowed source,
   * in order. Searches whole chunks with indexOf rather than line by line.
   */
  search(query: string, allowed: ReadonlySet<LogSource>): Uint32Array {
    const needle = query.toLowerCase();
    const allowMask = SOURCES.reduce((m, s, code) => (allowed.has(s) ? m | (1 << code) : m), 0);
    const out = new GrowableIndices();
    const accept = (i: number) => {
      if ((allowMask >> this.sources[i]!) & 1) out.push(i);
    };
    if (needle === '') {
      for (let i = 0; i < this.total; i++) accept(i);
      return out.result();
    }
    for (let c = 0; c < this.sealed.length; c++) {
      const first = c * CHUNK_LINES;
      const lower = this.lowerChunk(c);
      if (lower === undefined) {
        // Lower-casing changed the length (rare Unicode): search line by line.
        for (let i = first; i < first + CHUNK_LINES; i++) if (this.line(i).toLowerCase().includes(needle)) accept(i);
        continue;
      }
      let from = 0;
      for (;;) {
        const at = lower.indexOf(needle, from);
        if (at < 0) break;
        const i = this.lineAt(first, at);
        accept(i);
        const lastInChunk = (i + 1) % CHUNK_LINES === 0;
        from = lastInChunk ? lower.length : this.starts[i + 1]!;
      }
    }
    const openFirst = this.sealed.length * CHUNK_LINES;
    for (let k = 0; k < this.open.length; k++) {
      if (this.open[k]!.toLowerCase().includes(needle)) accept(openFirst + k);
    }
    return out.result();
  }

  private lowerChunk(c: number): string | undefined {
    if (!(c in this.lowerSealed)) {
      const lower = this.sealed[c]!.toLowerCase();
      this.lowerSealed[c] = lower.length === this.sealed[c]!.length ? lower : undefined;
    }
    return this.lowerSealed[c];
  }

  /** The line of chunk starting at line `first` that holds character offset `at` (binary search). */
  private lineAt(first: number, at: number): number {
    let lo = first;
    let hi = first + CHUNK_LINES - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private seal(): void {
    this.sealed.push(this.open.join('\n'));
    this.open = [];
    this.openLength = 0;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.starts.length) return;
    let cap = this.starts.length;
    while (cap < n) cap *= 2;
    const starts = new Uint32Array(cap);
    starts.set(this.starts);
    const sources = new Uint8Array(cap);
    sources.set(this.sources);
    this.starts = starts;
    this.sources = sources;
  }
}

/** A Uint32Array that grows as indices are pushed. */
class GrowableIndices {
  private data = new Uint32Array(1024);
  private n = 0;
  push(i: number): void {
    if (this.n === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.n++] = i;
  }
  result(): Uint32Array {
    return this.data.subarray(0, this.n);
  }
}
