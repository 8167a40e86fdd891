import type { Suite } from '../suite';

export const startStopSuite: Suite = {
  name: 'start',
  promises: [],
  run: async () => ({ figures: [] }),
};
