// The VM state machine, pure: which lifecycle input moves a VM from which state to which.
// starting -> running/paused -> stopping -> exited/crashed; `lost` when a recorded VM cannot be verified.
import { isLive, type VmState } from '../../shared/vm';
import { INTERNAL_ERROR_REASON } from './halt-status';

/** Shutdown reasons that are crashes even though QEMU exits cleanly afterwards. */
const CRASH_REASONS: ReadonlySet<string> = new Set(['guest-panic', INTERNAL_ERROR_REASON]);

/** Something that happened to a VM. */
export type VmInput =
  | { type: 'qmp-ready'; running: boolean }
  | { type: 'qmp-event'; event: string }
  | { type: 'stop-requested' }
  | { type: 'exited'; requested: boolean; code: number | null; signal: string | null; shutdownReason?: string; diedUnannounced?: boolean }
  | { type: 'start-failed' }
  | { type: 'identity-lost' };

/** States from which a VM is gone for good. */
export const FINAL_STATES: readonly VmState[] = ['exited', 'crashed', 'lost'];

/** True while a QEMU process may exist for the VM (owned by src/shared/vm.ts; re-exported for the supervisor's files). */
export { isLive };

/** Whether an exit counts as a crash: not asked for, and not a clean guest/host shutdown. Pure. */
export function isCrash(input: { requested: boolean; code: number | null; signal: string | null; shutdownReason?: string; diedUnannounced?: boolean }): boolean {
  if (input.shutdownReason && CRASH_REASONS.has(input.shutdownReason)) return true;
  if (input.requested) return false;
  // Not our child, but QMP was watching and QEMU exited without a SHUTDOWN event: killed or crashed.
  if (input.diedUnannounced) return true;
  if (input.shutdownReason) return input.signal !== null || (input.code ?? 0) !== 0;
  // code and signal both null: QEMU was not our child, its status is unknown; not called a crash.
  return input.signal !== null || (input.code !== null && input.code !== 0);
}

/** The next state, or the same state when the input does not apply. Pure. */
export function nextState(state: VmState, input: VmInput): VmState {
  switch (input.type) {
    case 'exited':
      if (input.shutdownReason && CRASH_REASONS.has(input.shutdownReason)) return 'crashed';
      return isCrash(input) ? 'crashed' : 'exited';
    case 'start-failed':
      return state === 'starting' ? 'crashed' : state;
    case 'identity-lost':
      return isLive(state) ? 'lost' : state;
    case 'stop-requested':
      return isLive(state) ? 'stopping' : state;
    case 'qmp-ready':
      if (state !== 'starting' && state !== 'lost') return state;
      return input.running ? 'running' : 'paused';
    case 'qmp-event':
      if (state === 'stopping' || !isLive(state)) return state;
      if (input.event === 'STOP') return 'paused';
      if (input.event === 'RESUME') return 'running';
      return state;
  }
}
