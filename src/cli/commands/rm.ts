// `vmdesk rm NAME [--force] [--purge] [--json]`: remove a stopped VM (its runtime files and overlay).
import { parseVmArgs, printJson, reporting, withSupervisor } from '../context';
import type { Command } from '../command';
import { commandInfo } from './info';

/** The `rm` command. */
export const rmCommand: Command = {
  ...commandInfo('rm'),
  async run(args, io) {
    const { name, values, json } = parseVmArgs(args, { force: { type: 'boolean' }, purge: { type: 'boolean' } });
    return reporting(io, 'rm', json, async () => {
      await withSupervisor((sup) => sup.destroy(name, { force: values.force === true, removeLogs: values.purge === true }));
      if (json) printJson(io, { name });
      else io.out(`removed ${name}\n`);
      return 0;
    });
  },
};
