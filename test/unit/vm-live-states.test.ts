// The "VM is live" set has one owner (src/shared/vm.ts); every layer asks it: the state machine, the app's
// services, the renderer's store and the CLI give the same answer for every state.
import { describe, expect, it } from 'vitest';
import { isLive, LIVE_STATES, type VmState } from '../../src/shared/vm';
import { isLive as machineIsLive, nextState } from '../../src/main/supervisor/state-machine';
import { isActive } from '../../src/renderer/src/stores/vms';

const ALL: Array<[VmState, boolean]> = [
  ['defined', false],
  ['starting', true],
  ['running', true],
  ['paused', true],
  ['stopping', true],
  ['exited', false],
  ['crashed', false],
  ['lost', false],
];

describe('the live states', () => {
  it.each(ALL)('%s is live: %s, by every layer', (state, live) => {
    expect(isLive(state)).toBe(live);
    expect(machineIsLive(state)).toBe(live);
    expect(isActive({ name: 'web', state, ports: [], agent: 'disabled', disposable: false })).toBe(live);
    expect(LIVE_STATES.includes(state)).toBe(live);
  });

  it('a stop request moves exactly the live states to stopping (the state machine uses the same set)', () => {
    for (const [state, live] of ALL) {
      if (state === 'defined') continue;
      const next = nextState(state, { type: 'stop-requested' });
      expect(next === 'stopping').toBe(live);
    }
  });
});
