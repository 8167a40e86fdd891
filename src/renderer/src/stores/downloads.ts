// Artifact downloads (a VM's artifacts fetched on Start): the latest state per VM, from `download` events.
import { create } from 'zustand';
import type { Download } from '../../../shared/download';
import { call } from '../api';
import { reportError } from './notices';

interface DownloadsState {
  /** Latest download per VM name, oldest first. */
  byName: Record<string, Download>;
  load(): Promise<void>;
  onEvent(d: Download): void;
  /** Cancels the running fetch of VM `name` (its Start then fails with "cancelled"). */
  cancel(name: string): Promise<void>;
}

/** The downloads store. */
export const useDownloads = create<DownloadsState>((set) => ({
  byName: {},
  async load() {
    const r = await call((a) => a.listDownloads());
    if (r.ok) set({ byName: Object.fromEntries(r.value.map((d) => [d.name, d])) });
  },
  onEvent(d) {
    set((s) => {
      const { [d.name]: _old, ...rest } = s.byName;
      return { byName: { ...rest, [d.name]: d } };
    });
  },
  async cancel(name) {
    const r = await call((a) => a.cancelDownload({ name }));
    if (!r.ok) reportError('Cancel failed', r.error);
  },
}));
