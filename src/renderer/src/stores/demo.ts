// Building the demo Linux image (a long operation with progress events).
import { create } from 'zustand';
import type { ErrorData } from '../../../shared/errors';
import { call } from '../api';
import { reportSuccess } from './notices';

interface DemoState {
  building: boolean;
  progress?: { step: string; done: number; total: number };
  error?: ErrorData;
  /** Builds the image; resolves to the new VM's name on success. */
  build(): Promise<string | undefined>;
  onProgress(p: { step: string; done: number; total: number }): void;
}

/** The demo-image store. */
export const useDemo = create<DemoState>((set, get) => ({
  building: false,
  async build() {
    if (get().building) return undefined;
    set({ building: true, error: undefined, progress: { step: 'Starting', done: 0, total: 1 } });
    const r = await call((a) => a.buildDemoImage());
    set({ building: false });
    if (!r.ok) {
      set({ error: r.error });
      return undefined;
    }
    set({ progress: undefined });
    reportSuccess('Demo image ready', `Created the VM "${r.value.name}".`);
    return r.value.name;
  },
  onProgress(p) {
    if (get().building) set({ progress: p });
  },
}));
