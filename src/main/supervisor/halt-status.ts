// Why QEMU paused a VM by itself, from query-status after a STOP event, and what a user should do.
// QEMU's RunState (qapi/run-state.json): a vCPU that KVM cannot run stops the VM in `internal-error`
// and QEMU keeps running, so without this check a frozen guest would show as "paused" with no reason.

/** The shutdown reason vmdesk records when it ends a VM that QEMU halted for good (not one of QEMU's own). */
export const INTERNAL_ERROR_REASON = 'vcpu-internal-error';

/** What a self-inflicted pause means: the message, and whether the VM can ever go on. */
export interface HaltVerdict {
  message: string;
  /** True when the VM cannot be resumed: vmdesk ends it (QMP quit) and records a crash. */
  fatal: boolean;
}

/** The verdict for a QEMU run state after STOP, or undefined for an ordinary pause. Pure. */
export function haltVerdict(status: string, accelerator: string): HaltVerdict | undefined {
  switch (status) {
    case 'internal-error':
      return {
        fatal: true,
        message:
          accelerator === 'kvm'
            ? 'the vCPU stopped with a KVM internal error: KVM on this host cannot run this guest (common under nested virtualisation). Set the accelerator to tcg; QEMU wrote the registers to its log'
            : 'the vCPU stopped with an internal error; QEMU wrote the registers to its log',
      };
    case 'io-error':
      return { fatal: false, message: 'QEMU paused the VM after a disk write failed (host disk full, or the image is read-only); free space, then resume or restart the VM' };
    case 'guest-panicked':
      return { fatal: false, message: 'the guest kernel panicked and QEMU paused it; see the console log, then restart the VM' };
    default:
      return undefined;
  }
}
