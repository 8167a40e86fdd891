// vmdesk test's live progress: the spinner line (pure) and the reporter, which redraws it only on a terminal.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SPINNER_FRAMES, checkProgress, runningLine } from '../../src/cli/check-progress';

afterEach(() => {
  vi.useRealTimers();
});

describe('runningLine', () => {
  it('shows the frame, the name and the seconds so far; frames wrap around', () => {
    expect(runningLine('', 'boots', 12_345, 0)).toBe(`${SPINNER_FRAMES[0]} boots 12.3s`);
    expect(runningLine('[run 2/3] ', 'web up', 50, SPINNER_FRAMES.length + 2)).toBe(`[run 2/3] ${SPINNER_FRAMES[2]} web up 0.1s`);
    expect(runningLine('', 'x', -5, 1)).toBe(`${SPINNER_FRAMES[1]} x 0.0s`);
  });
});

describe('checkProgress', () => {
  it('on a terminal: redraws the running check in place, then clears it for the result line', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const p = checkProgress((t) => out.push(t), true, 100);
    p.running('', 'boots');
    vi.advanceTimersByTime(250);
    const redraws = out.filter((t) => t.startsWith('\r\x1b[2K') && t.includes('boots'));
    expect(redraws.length).toBe(3); // at once, then at 100 and 200 ms
    expect(new Set(redraws.map((t) => t.slice(5, 6))).size).toBe(3); // the spinner turned
    p.line('✓ boots 0.3s\n');
    expect(out.slice(-2)).toEqual(['\r\x1b[2K', '✓ boots 0.3s\n']);
    const n = out.length;
    vi.advanceTimersByTime(1000);
    expect(out.length).toBe(n); // stopped redrawing
    p.stop();
    expect(out.length).toBe(n); // nothing shown, nothing to clear
  });

  it('not on a terminal: only the finished lines, no escape codes', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const p = checkProgress((t) => out.push(t), false, 100);
    p.running('', 'boots');
    vi.advanceTimersByTime(500);
    p.line('✓ boots 0.5s\n');
    p.stop();
    expect(out).toEqual(['✓ boots 0.5s\n']);
  });
});
