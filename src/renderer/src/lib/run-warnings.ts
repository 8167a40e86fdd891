// Warnings about the VM's current run found in its timeline (the firmware found nothing to boot; Secure Boot
// refused the boot loader): shown on the VM while it runs, because the badge alone says "running". Pure.
import type { VmEvent, VmInfo } from '../../../shared/vm';

/** Event types (kind `error`) that mean the running VM's guest never really started. */
export const RUN_WARNING_TYPES: ReadonlySet<string> = new Set(['no-bootable-device', 'secure-boot-refused']);

/** The warnings of the VM's current run: such events after its last start or re-attach; none when it is not live. */
export function runWarnings(vm: Pick<VmInfo, 'state'>, events: readonly VmEvent[]): VmEvent[] {
  if (vm.state !== 'running' && vm.state !== 'paused') return [];
  let from = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (
      e.kind === 'lifecycle' &&
      (e.type === 'starting' || e.type === 'reattached' || e.type === 'adopted')
    ) {
      from = i;
      break;
    }
  }
  const seen = new Set<string>();
  return events
    .slice(from)
    .filter(
      (e) => e.kind === 'error' && RUN_WARNING_TYPES.has(e.type) && !seen.has(e.type) && seen.add(e.type),
    );
}
