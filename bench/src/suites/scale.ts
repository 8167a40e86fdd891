import type { Suite } from '../suite';

export const scaleSuite: Suite = {
  name: 'scale',
  promises: [],
  run: async () => ({ figures: [] }),
};
