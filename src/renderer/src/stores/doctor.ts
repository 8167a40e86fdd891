// The host report from `doctor`: QEMU, versions, KVM, usable accelerators.
import { create } from 'zustand';
import type { DoctorReport } from '../../../shared/doctor';
import type { ErrorData } from '../../../shared/errors';
import { call } from '../api';

interface DoctorState {
  report?: DoctorReport;
  loading: boolean;
  error?: ErrorData;
  load(): Promise<void>;
}

/** The doctor store. */
export const useDoctor = create<DoctorState>((set) => ({
  loading: false,
  async load() {
    set({ loading: true });
    const r = await call((a) => a.doctor());
    if (r.ok) set({ report: r.value, error: undefined, loading: false });
    else set({ error: r.error, loading: false });
  },
}));
