// `vmdesk rm NAME [--force] [--purge] [--json]`: remove a stopped VM (its runtime files and overlay).
import { oneName, parseCli, printJson, reportError, withSupervisor } from '../context';
import type { Command } from '../command';

/** The `rm` command. */
export const rmCommand: Command = {
  name: 'rm',
  summary: 'Remove a VM (refuses a running one unless --force); logs are kept unless --purge',
  usage: 'vmdesk rm NAME [--force] [--purge] [--json]',
  async run(args, io) {
    const { values, positionals } = parseCli(args, { json: { type: 'boolean' }, force: { type: 'boolean' }, purge: { type: 'boolean' } });
    const json = values.json === true;
    const name = oneName(positionals);
    try {
      await withSupervisor((sup) => sup.destroy(name, { force: values.force === true, removeLogs: values.purge === true }));
      if (json) printJson(io, { name });
      else io.out(`removed ${name}\n`);
      return 0;
    } catch (err) {
      return reportError(io, 'rm', err, json);
    }
  },
};
