// Notices: what happened (a failure with what to do, or a finished long operation), shown as toasts.
import { create } from 'zustand';
import type { ErrorData } from '../../../shared/errors';
import { hintFor } from '../lib/error-hints';

/** One notice. Errors stay until dismissed; others fade after a few seconds. */
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
}

let nextId = 1;

/** The notices store. */
export const useNotices = create<NoticeState>((set, get) => ({
  notices: [],
  push(notice) {
    const id = nextId++;
    set({ notices: [...get().notices.slice(-4), { ...notice, id }] });
    if (notice.kind !== 'error') setTimeout(() => get().dismiss(id), 5000);
  },
  dismiss(id) {
    set({ notices: get().notices.filter((n) => n.id !== id) });
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
