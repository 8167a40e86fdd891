// The serial console of one run, collected as text from the run's first byte (the supervisor's console
// subscription from offset 0 of a fresh VM's log), so console checks can wait for a pattern and a failed run
// can report its last lines. The follower reuses its buffer: each chunk is decoded (copied) at once.
import { StringDecoder } from 'node:string_decoder';

/** Most console text kept in memory; older text is dropped (offsets stay absolute). */
export const CONSOLE_KEEP_CHARS = 8 * 1024 * 1024;

/** A run's console text, and waiters for patterns in it. */
export class ConsoleWatch {
  private text = '';
  /** Characters dropped from the front (so positions stay absolute). */
  private dropped = 0;
  private readonly decoder = new StringDecoder('utf8');
  private readonly waiters = new Set<() => void>();

  /** Appends a chunk (decoded now: the caller may reuse its buffer). */
  push(chunk: Uint8Array): void {
    this.text += this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (this.text.length > CONSOLE_KEEP_CHARS) {
      const cut = this.text.length - CONSOLE_KEEP_CHARS;
      this.text = this.text.slice(cut);
      this.dropped += cut;
    }
    for (const w of [...this.waiters]) w();
  }

  /** The absolute position of the end of the text so far. */
  get end(): number {
    return this.dropped + this.text.length;
  }

  /** The first match of `re` at or after absolute position `from`, or undefined. */
  find(re: RegExp, from = 0): { index: number; text: string } | undefined {
    const start = Math.max(0, from - this.dropped);
    const m = new RegExp(re.source, re.flags.replace('g', '')).exec(this.text.slice(start));
    return m ? { index: this.dropped + start + m.index, text: m[0] } : undefined;
  }

  /** Resolves with the first match of `re` after `from`, or undefined once `deadline` (epoch ms) passes or `signal` aborts. */
  waitFor(re: RegExp, from: number, deadline: number, signal: AbortSignal): Promise<{ index: number; text: string } | undefined> {
    return new Promise((resolve) => {
      const finish = (v: { index: number; text: string } | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      };
      const check = () => {
        const m = this.find(re, from);
        if (m) finish(m);
      };
      const onAbort = () => finish(undefined);
      const timer = setTimeout(() => finish(this.find(re, from)), Math.max(0, deadline - Date.now()));
      this.waiters.add(check);
      signal.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  /** The last `n` lines (without a trailing empty line). Pure read. */
  lastLines(n: number): string[] {
    const lines = this.text.replace(/\r/g, '').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-n);
  }
}
