// A VM's lifecycle state as a coloured badge (the colour is never the only signal: the word is shown).
import type { VmState } from '../../../shared/vm';

const LABEL: Record<VmState, string> = {
  defined: 'defined',
  starting: 'starting',
  running: 'running',
  paused: 'paused',
  stopping: 'stopping',
  exited: 'stopped',
  crashed: 'crashed',
  lost: 'lost',
};

/** The badge. */
export function StateBadge({ state }: { state: VmState }) {
  return (
    <span className={`badge badge-${state}`} data-testid="state-badge" data-state={state}>
      {LABEL[state]}
    </span>
  );
}
