// The toast store: every notice fades on its own (errors after a longer time), and a notice the user is
// reading (pointer over it, or focus in it) stays until released. Fake timers: the clock, not a wait.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOTICE_LIFETIME_MS, useNotices } from '../../../src/renderer/src/stores/notices';

const kinds = () => useNotices.getState().notices.map((n) => n.kind);

beforeEach(() => {
  vi.useFakeTimers();
  useNotices.setState({ notices: [] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('notices', () => {
  it('fades errors too, after their longer lifetime', () => {
    useNotices.getState().push({ kind: 'error', title: 'Could not start web' });
    useNotices.getState().push({ kind: 'success', title: 'Saved' });
    vi.advanceTimersByTime(NOTICE_LIFETIME_MS.success);
    expect(kinds()).toEqual(['error']);
    vi.advanceTimersByTime(NOTICE_LIFETIME_MS.error - NOTICE_LIFETIME_MS.success - 1);
    expect(kinds()).toEqual(['error']);
    vi.advanceTimersByTime(1);
    expect(kinds()).toEqual([]);
  });

  it('keeps a notice while it is held, and gives it its full time again on release', () => {
    useNotices.getState().push({ kind: 'error', title: 'Could not start web' });
    const id = useNotices.getState().notices[0]!.id;
    vi.advanceTimersByTime(NOTICE_LIFETIME_MS.error - 1);
    useNotices.getState().hold(id);
    vi.advanceTimersByTime(10 * NOTICE_LIFETIME_MS.error);
    expect(kinds()).toEqual(['error']);
    useNotices.getState().release(id);
    vi.advanceTimersByTime(NOTICE_LIFETIME_MS.error - 1);
    expect(kinds()).toEqual(['error']);
    vi.advanceTimersByTime(1);
    expect(kinds()).toEqual([]);
  });

  it('dismisses at once on request, and a late release of a dismissed notice does nothing', () => {
    useNotices.getState().push({ kind: 'info', title: 'x' });
    const id = useNotices.getState().notices[0]!.id;
    useNotices.getState().dismiss(id);
    useNotices.getState().release(id);
    expect(kinds()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shows the same notice once: a second one replaces the first, with a fresh lifetime', () => {
    useNotices.getState().push({ kind: 'success', title: 'Settings saved' });
    vi.advanceTimersByTime(NOTICE_LIFETIME_MS.success - 1);
    useNotices.getState().push({ kind: 'success', title: 'Settings saved' });
    useNotices.getState().push({ kind: 'error', title: 'Settings saved', message: 'but differently' });
    expect(kinds()).toEqual(['success', 'error']);
    vi.advanceTimersByTime(NOTICE_LIFETIME_MS.success - 1);
    expect(kinds()).toEqual(['success', 'error']);
    vi.advanceTimersByTime(1);
    expect(kinds()).toEqual(['error']);
  });
});
