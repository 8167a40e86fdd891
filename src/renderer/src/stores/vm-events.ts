// Each VM's event timeline (started, QMP events, stop steps, exit), loaded on demand and kept live.
import { create } from 'zustand';
import type { VmEvent } from '../../../shared/vm';
import type { ErrorData } from '../../../shared/errors';
import { call } from '../api';

/** Events kept per VM. */
export const EVENTS_KEEP = 5000;

interface VmEventsState {
  events: Record<string, VmEvent[]>;
  errors: Record<string, ErrorData | undefined>;
  load(name: string): Promise<void>;
  add(name: string, event: VmEvent): void;
}

/** The timeline store. */
export const useVmEvents = create<VmEventsState>((set, get) => ({
  events: {},
  errors: {},
  async load(name) {
    const r = await call((a) => a.vmEvents({ name }));
    if (!r.ok) {
      set({ errors: { ...get().errors, [name]: r.error } });
      return;
    }
    // Keep events that arrived live while loading and are newer than the loaded ones.
    const loaded = r.value;
    const lastAt = loaded.length ? loaded[loaded.length - 1]!.at : '';
    const live = (get().events[name] ?? []).filter((e) => e.at > lastAt);
    set({
      events: { ...get().events, [name]: [...loaded, ...live].slice(-EVENTS_KEEP) },
      errors: { ...get().errors, [name]: undefined },
    });
  },
  add(name, event) {
    const prev = get().events[name] ?? [];
    set({ events: { ...get().events, [name]: [...prev, event].slice(-EVENTS_KEEP) } });
  },
}));
