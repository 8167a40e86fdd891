// Bounds shared by the driver, the supervisor, the IPC layer and the renderer.

/** Nomad's qemu driver memory bounds, in MiB. */
export const MEMORY_MIN_MIB = 128;
/** Nomad's qemu driver memory upper bound, in MiB. */
export const MEMORY_MAX_MIB = 4_000_000;
/** Memory used when a task does not say (Nomad's default resources.memory). */
export const MEMORY_DEFAULT_MIB = 300;
/** Highest `cores` value accepted (QEMU's -smp upper bound for pc/q35 is far above any laptop). */
export const CORES_MAX = 256;
/** A VM name: lower-case letters, digits, `-`, `_`, `.`; 1 to 63 characters; must start with a letter or digit. */
export const VM_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
/** Drive interfaces accepted by Nomad's qemu driver. */
export const DRIVE_INTERFACES = ['ide', 'scsi', 'sd', 'mtd', 'floppy', 'pflash', 'virtio', 'none'] as const;
/** Accelerators vmdesk knows. */
export const ACCELERATORS = ['tcg', 'kvm'] as const;
/** Unix socket path limit (sun_path size) including the terminating NUL: 108 on Linux, 104 on macOS. */
export const SOCKET_PATH_MAX: Record<string, number> = { linux: 108, darwin: 104 };
/** Largest task file vmdesk reads, in bytes. */
export const TASK_FILE_MAX_BYTES = 1024 * 1024;
/** Default kill_timeout (Nomad's default is 5s). */
export const KILL_TIMEOUT_DEFAULT_MS = 5_000;
/** Longest kill_timeout accepted (Nomad's client max_kill_timeout default is 30s; we allow more locally). */
export const KILL_TIMEOUT_MAX_MS = 60 * 60 * 1000;
