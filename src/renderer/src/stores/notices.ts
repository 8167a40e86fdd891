// Notices: what happened (a failure with what to do, or a finished long operation), shown as toasts.
import { create } from 'zustand';
import type { ErrorData } from '../../../shared/errors';
import { hintFor } from '../lib/error-hints';

/** How long a notice stays (ms): errors long enough to read and act on, confirmations briefly. */
export const NOTICE_LIFETIME_MS = { error: 15_000, info: 5_000, success: 5_000 } as const;

/** One notice. Each fades after NOTICE_LIFETIME_MS, but not while the pointer or focus is on it. */
export interface Notice {
  id: number;
  kind: 'error' | 'info' | 'success';
  title: string;
  message?: string;
  hint?: string;
}

interface NoticeState {
  notices: Notice[];
  push(notice: Omit<Notice, 'id'>): void;
  dismiss(id: number): void;
  /** Keeps a notice while the user reads it (pointer over it, or focus in it). */
  hold(id: number): void;
  /** Lets a held notice fade again, after its full lifetime. */
  release(id: number): void;
}

let nextId = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

/** The notices store. */
export const useNotices = create<NoticeState>((set, get) => ({
  notices: [],
  push(notice) {
    const id = nextId++;
    // The same notice again (a second Save, a retried start) replaces the one shown: one toast, fresh lifetime.
    const same = (n: Notice) => n.kind === notice.kind && n.title === notice.title && n.message === notice.message;
    for (const old of get().notices.filter(same)) get().hold(old.id);
    set({ notices: [...get().notices.filter((n) => !same(n)).slice(-4), { ...notice, id }] });
    get().release(id);
  },
  dismiss(id) {
    get().hold(id);
    set({ notices: get().notices.filter((n) => n.id !== id) });
  },
  hold(id) {
    clearTimeout(timers.get(id));
    timers.delete(id);
  },
  release(id) {
    const n = get().notices.find((x) => x.id === id);
    if (!n) return;
    clearTimeout(timers.get(id));
    timers.set(
      id,
      setTimeout(() => get().dismiss(id), NOTICE_LIFETIME_MS[n.kind]),
    );
  },
}));

/** Shows a failure: what was tried, what the main process said, and what to do about it. */
export function reportError(title: string, error: ErrorData): void {
  useNotices.getState().push({ kind: 'error', title, message: error.message, hint: hintFor(error) });
}

/** Shows a short confirmation. */
export function reportSuccess(title: string, message?: string): void {
  useNotices.getState().push({ kind: 'success', title, message });
}
