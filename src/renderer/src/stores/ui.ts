// Navigation and dialogs: which page is shown, which VM tab, which dialog is open.
import { create } from 'zustand';

/** The VM view's tabs, in order (Ctrl+1..8). */
export const VM_TABS = ['overview', 'console', 'logs', 'stats', 'events', 'display', 'snapshots', 'checks'] as const;
/** A VM view tab; `ssh` (the SSH terminal) is shown only for a VM with SSH access (cloud_init). */
export type VmTab = (typeof VM_TABS)[number] | 'ssh';

/** The page in the main area. */
export type Route =
  | { page: 'home' }
  | { page: 'vm'; name: string }
  | { page: 'create' }
  | { page: 'edit'; name: string }
  | { page: 'settings' }
  | { page: 'health' };

/** An open dialog. */
export type Dialog =
  | { kind: 'delete'; name: string }
  | { kind: 'duplicate'; name: string }
  | { kind: 'force-stop'; name: string }
  | { kind: 'help' }
  | { kind: 'import-job' }
  | { kind: 'nomad'; name: string; tab: NomadTab }
  | null;

/** The tabs of a VM's Nomad dialog. */
export type NomadTab = 'export' | 'submit';

interface UiState {
  route: Route;
  tab: VmTab;
  dialog: Dialog;
  navigate(route: Route): void;
  setTab(tab: VmTab): void;
  openDialog(dialog: Dialog): void;
  closeDialog(): void;
}

/** The navigation store. */
export const useUi = create<UiState>((set) => ({
  route: { page: 'home' },
  tab: 'overview',
  dialog: null,
  navigate(route) {
    set({ route });
  },
  setTab(tab) {
    set({ tab });
  },
  openDialog(dialog) {
    set({ dialog });
  },
  closeDialog() {
    set({ dialog: null });
  },
}));

/** The VM the main area is about, if any. */
export function selectedVmName(route: Route): string | undefined {
  return route.page === 'vm' || route.page === 'edit' ? route.name : undefined;
}
