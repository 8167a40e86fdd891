// `vmdesk test`'s live progress on stderr: on a terminal the running check is one line with a spinner and
// its time so far, redrawn in place ten times a second and replaced by its ✓/✗ line when it ends; when
// stderr is not a terminal (CI logs, pipes) only the ✓/✗ lines are written. The line is pure; the
// reporter only writes.

/** The spinner's frames (braille dots, as npm and cargo draw them). */
export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

/** `⠹ boots 12.3s`: the running check's line for frame `frame`. Pure. */
export function runningLine(prefix: string, name: string, elapsedMs: number, frame: number): string {
  const spin = SPINNER_FRAMES[Math.abs(Math.trunc(frame)) % SPINNER_FRAMES.length];
  return `${prefix}${spin} ${name} ${(Math.max(0, elapsedMs) / 1000).toFixed(1)}s`;
}

/** ANSI: carriage return, then erase the whole line. */
const CLEAR_LINE = '\r\x1b[2K';

/** The reporter: `running` when a check begins, `line` for every finished line, `stop` at the end. */
export interface CheckProgress {
  running(prefix: string, name: string): void;
  line(text: string): void;
  stop(): void;
}

/** A reporter writing to `write`; `tty` turns the redrawn spinner line on. */
export function checkProgress(write: (text: string) => void, tty: boolean, intervalMs = 100): CheckProgress {
  let timer: NodeJS.Timeout | undefined;
  let shown = false;
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (shown) write(CLEAR_LINE);
    shown = false;
  };
  return {
    running(prefix, name) {
      clear();
      if (!tty) return;
      const started = performance.now();
      let frame = 0;
      const draw = () => {
        write(`${CLEAR_LINE}${runningLine(prefix, name, performance.now() - started, frame++)}`);
        shown = true;
      };
      draw();
      timer = setInterval(draw, intervalMs);
      timer.unref();
    },
    line(text) {
      clear();
      write(text);
    },
    stop: clear,
  };
}
