// The VM list and the lifecycle actions on it (start, stop, force stop, restart, duplicate, delete).
import { create } from 'zustand';
import { isLive, type StatsSample, type VmInfo } from '../../../shared/vm';
import type { ErrorData } from '../../../shared/errors';
import { call } from '../api';
import { reportError, reportSuccess } from './notices';

/** A lifecycle action the UI offers. */
export type VmAction = 'start' | 'stop' | 'force-stop' | 'restart' | 'pause' | 'resume' | 'reboot';

/** Samples kept per VM for the sparklines and the Stats tab. */
export const STATS_KEEP = 900;

interface VmsState {
  vms: Record<string, VmInfo>;
  loaded: boolean;
  loadError?: ErrorData;
  /** Recent stats per VM, oldest first. */
  stats: Record<string, StatsSample[]>;
  /** The action in progress per VM ("Starting…"), for buttons and badges. */
  pending: Record<string, VmAction | 'delete' | 'duplicate'>;
  load(): Promise<void>;
  upsert(vm: VmInfo): void;
  remove(name: string): void;
  addSamples(name: string, samples: readonly StatsSample[]): void;
  run(name: string, action: VmAction): Promise<boolean>;
  /** Copies a VM; `image`: how the copy reaches its image (shared, disposable overlay, its own copy). */
  duplicate(name: string, newName: string, image?: 'shared' | 'disposable' | 'copy'): Promise<ErrorData | undefined>;
  deleteVm(name: string, removeLogs: boolean): Promise<boolean>;
}

const ACTION_LABEL: Record<VmAction, string> = {
  start: 'start',
  stop: 'stop',
  'force-stop': 'force stop',
  restart: 'restart',
  pause: 'pause',
  resume: 'resume',
  reboot: 'reboot',
};

/** The VM store. */
export const useVms = create<VmsState>((set, get) => ({
  vms: {},
  loaded: false,
  stats: {},
  pending: {},
  async load() {
    const r = await call((a) => a.listVms());
    if (!r.ok) {
      set({ loaded: true, loadError: r.error });
      return;
    }
    set({ loaded: true, loadError: undefined, vms: Object.fromEntries(r.value.map((v) => [v.name, v])) });
  },
  upsert(vm) {
    set({ vms: { ...get().vms, [vm.name]: vm } });
  },
  remove(name) {
    const vms = { ...get().vms };
    delete vms[name];
    const stats = { ...get().stats };
    delete stats[name];
    set({ vms, stats });
  },
  addSamples(name, samples) {
    if (samples.length === 0) return;
    const prev = get().stats[name] ?? [];
    const last = prev.length ? prev[prev.length - 1]!.at : -Infinity;
    const fresh = samples.filter((s) => s.at > last);
    if (fresh.length === 0) return;
    set({ stats: { ...get().stats, [name]: [...prev, ...fresh].slice(-STATS_KEEP) } });
  },
  async run(name, action) {
    set({ pending: { ...get().pending, [name]: action } });
    const r = await call((a) => {
      switch (action) {
        case 'start':
          return a.startVm({ name });
        case 'stop':
          return a.stopVm({ name });
        case 'force-stop':
          return a.stopVm({ name, force: true });
        case 'restart':
          return a.restartVm({ name });
        case 'pause':
          return a.pauseVm({ name });
        case 'resume':
          return a.resumeVm({ name });
        case 'reboot':
          return a.rebootVm({ name });
      }
    });
    const pending = { ...get().pending };
    delete pending[name];
    set({ pending });
    if (!r.ok) {
      reportError(`Could not ${ACTION_LABEL[action]} ${name}`, r.error);
      return false;
    }
    get().upsert(r.value);
    return true;
  },
  async duplicate(name, newName, image) {
    set({ pending: { ...get().pending, [name]: 'duplicate' } });
    const r = await call((a) => a.duplicateVm({ name, newName, ...(image ? { image } : {}) }));
    const pending = { ...get().pending };
    delete pending[name];
    set({ pending });
    if (!r.ok) return r.error;
    reportSuccess(`Duplicated ${name} as ${r.value.name}`);
    await get().load();
    return undefined;
  },
  async deleteVm(name, removeLogs) {
    set({ pending: { ...get().pending, [name]: 'delete' } });
    const r = await call((a) => a.deleteVm({ name, removeLogs }));
    const pending = { ...get().pending };
    delete pending[name];
    set({ pending });
    if (!r.ok) {
      reportError(`Could not delete ${name}`, r.error);
      return false;
    }
    get().remove(name);
    reportSuccess(`Deleted ${name}`, removeLogs ? 'Its logs were removed too.' : 'Its logs were kept.');
    return true;
  },
}));

/** True when the VM's QEMU process is alive (a stop makes sense, a start does not). */
export function isActive(vm: VmInfo): boolean {
  return isLive(vm.state);
}

/** VM names in display order (alphabetical). */
export function sortedNames(vms: Record<string, VmInfo>): string[] {
  return Object.keys(vms).sort((a, b) => a.localeCompare(b));
}
