// Pause, resume, reboot (vm-control.ts), the run warnings the Overview shows (run-warnings.ts) and the
// firmware's "no bootable device" on the console (firmware-console.ts): tables over the pure decisions.
import { describe, expect, it } from 'vitest';
import { controlCommand, type VmControl } from '../../src/main/app/vm-control';
import { noBootableDevice } from '../../src/main/supervisor/firmware-console';
import { runWarnings } from '../../src/renderer/src/lib/run-warnings';
import type { VmEvent, VmState } from '../../src/shared/vm';

const attempt = (state: VmState, c: VmControl) => {
  try {
    return controlCommand('web', state, c);
  } catch (err) {
    return `${(err as { code: string }).code}: ${(err as Error).message}`;
  }
};

describe('controlCommand', () => {
  it('sends the QMP command only in the states where it means something', () => {
    const table: Array<[VmState, VmControl, string | RegExp]> = [
      ['running', 'pause', 'stop'],
      ['paused', 'resume', 'cont'],
      ['running', 'reboot', 'system_reset'],
      ['paused', 'reboot', 'system_reset'],
      ['running', 'resume', /VM_NOT_RUNNING: .*nothing to resume/],
      ['paused', 'pause', /paused already; resume it/],
      ['starting', 'pause', /is starting; wait until it is running/],
      ['stopping', 'reboot', /is stopping; wait/],
      ['exited', 'reboot', /not running \(exited\); start it first/],
      ['crashed', 'resume', /start it first/],
      ['lost', 'pause', /start it first/],
    ];
    for (const [state, c, want] of table) {
      const got = attempt(state, c);
      if (typeof want === 'string') expect([state, c, got]).toEqual([state, c, want]);
      else expect(`${state} ${c} ${got}`).toMatch(want);
    }
  });
});

describe('noBootableDevice', () => {
  it('finds SeaBIOS and OVMF saying there is nothing to boot, and nothing else', () => {
    expect(noBootableDevice('Booting from Hard Disk...\r\nBoot failed: not a bootable disk\r\n\r\nNo bootable device.  Retrying in 60 seconds.')).toMatch(/found nothing to boot/);
    expect(noBootableDevice('BdsDxe: No bootable option or device was found.\r\n')).toMatch(/BIOS or UEFI/);
    expect(noBootableDevice('Booting from Hard Disk...\r\nLinux version 6.1')).toBeUndefined();
    expect(noBootableDevice('No bootable device')).toBeUndefined(); // the line is not complete yet
  });
});

describe('runWarnings', () => {
  const ev = (kind: VmEvent['kind'], type: string, at = '2026-01-01T00:00:00Z'): VmEvent => ({ kind, type, at, message: type });
  it('shows the current run’s firmware problems once, only while the VM is live', () => {
    const events = [ev('lifecycle', 'starting'), ev('error', 'no-bootable-device'), ev('lifecycle', 'exited'), ev('lifecycle', 'starting'), ev('lifecycle', 'running')];
    expect(runWarnings({ state: 'running' }, events)).toEqual([]); // the problem was the last run's
    const now = [...events, ev('error', 'no-bootable-device'), ev('error', 'no-bootable-device'), ev('error', 'start-failed')];
    expect(runWarnings({ state: 'running' }, now).map((e) => e.type)).toEqual(['no-bootable-device']);
    expect(runWarnings({ state: 'paused' }, now)).toHaveLength(1);
    expect(runWarnings({ state: 'exited' }, now)).toEqual([]);
    expect(runWarnings({ state: 'running' }, [ev('lifecycle', 'reattached'), ev('error', 'secure-boot-refused')]).map((e) => e.type)).toEqual(['secure-boot-refused']);
  });
});
