import type { Suite } from '../suite';

export const consoleSuite: Suite = {
  name: 'console',
  promises: [],
  run: async () => ({ figures: [] }),
};
