// What `vmdesk doctor` (Nomad's fingerprint, done properly) reports about the host.

/** One qemu-system-* emulator found on PATH. */
export interface EmulatorFact {
  /** Normalised name (`x86_64`). */
  name: string;
  path: string;
  version?: string;
}

/** The artifact cache ($VMDESK_HOME/cache): where it is, what it holds. */
export interface CacheSummary {
  path: string;
  /** Bytes of entries and partial downloads. */
  bytes: number;
  /** Complete entries. */
  entries: number;
}

/** The host report shown by `vmdesk doctor` and the app's health panel. */
export interface DoctorReport {
  emulators: EmulatorFact[];
  qemuImg?: { path: string; version?: string };
  kvm: { exists: boolean; usable: boolean; detail: string };
  sandbox: { supported: boolean; detail: string };
  /** Accelerators a task may ask for on this host. */
  accelerators: string[];
  /** What to do about anything missing ("install qemu-system-x86 with: sudo apt-get install ..."). */
  hints: string[];
  /** The artifact cache, when the report was made for a vmdesk home (the CLI and the app add it). */
  cache?: CacheSummary;
}
