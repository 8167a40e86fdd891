// A VM's internal qcow2 snapshot, as `vmdesk snapshot ls` and the app's Snapshots section show it.

/** One snapshot. */
export interface Snapshot {
  tag: string;
  /** QEMU's numeric id in the image. */
  id: string;
  createdAt: string;
  /** Size of the saved VM state (RAM, devices); 0 for a disk-only snapshot (taken while stopped). */
  vmStateBytes: number;
  /** The guest's clock when it was taken. */
  vmClockMs: number;
}

/** The snapshot operations. */
export const SNAPSHOT_OPS = ['save', 'ls', 'restore', 'rm'] as const;
