// Pause, resume and reboot of a running VM: which QMP command each is, and when it may be sent. Pure.
// Reboot is QMP system_reset (the guest restarts in the same QEMU process, like a reset button), not Restart
// (which stops QEMU and launches it again with the task as it is now).
import { VmdeskError } from '../../shared/errors';
import type { VmState } from '../../shared/vm';

/** What a user can do to a running VM without stopping QEMU. */
export type VmControl = 'pause' | 'resume' | 'reboot';

/** The QMP command for each control (QEMU 7.2 qapi/misc.json `stop`, `cont`; qapi/run-state.json `system_reset`). */
export const CONTROL_COMMAND: Record<VmControl, 'stop' | 'cont' | 'system_reset'> = {
  pause: 'stop',
  resume: 'cont',
  reboot: 'system_reset',
};

const ALLOWED: Record<VmControl, readonly VmState[]> = {
  pause: ['running'],
  resume: ['paused'],
  reboot: ['running', 'paused'],
};

/** The QMP command to send, or the error that says why not now and what to do instead. */
export function controlCommand(
  name: string,
  state: VmState,
  control: VmControl,
): 'stop' | 'cont' | 'system_reset' {
  if (ALLOWED[control].includes(state)) return CONTROL_COMMAND[control];
  if (state === 'starting' || state === 'stopping') {
    throw new VmdeskError(
      'VM_NOT_RUNNING',
      `"${name}" is ${state}; wait until it is running, then ${control} it`,
    );
  }
  if (control === 'resume' && state === 'running')
    throw new VmdeskError('VM_NOT_RUNNING', `"${name}" is running, not paused; there is nothing to resume`);
  if (control === 'pause' && state === 'paused')
    throw new VmdeskError('VM_NOT_RUNNING', `"${name}" is paused already; resume it to let it run`);
  throw new VmdeskError('VM_NOT_RUNNING', `"${name}" is not running (${state}); start it first`);
}
