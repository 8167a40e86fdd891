// `vmdesk ssh NAME [--print] [--json] [-- CMD...]`: log in to (or run a command in) a cloud_init VM with the
// system ssh, the per-VM key and the forwarded port of its ssh label (src/main/ssh/).
import { parseCli, printJson, reporting, withSupervisor } from '../context';
import { UsageError, type Command } from '../command';
import { commandInfo } from './info';
import { runSsh, sshArgvForVm } from '../../main/ssh/run-ssh';
import { shellQuote } from '../../shared/shell-words';

/** The `ssh` command. */
export const sshCommand: Command = {
  ...commandInfo('ssh'),
  async run(args, io) {
    const dash = args.indexOf('--');
    const own = dash >= 0 ? args.slice(0, dash) : args;
    const command = dash >= 0 ? args.slice(dash + 1) : [];
    const { values, positionals } = parseCli(own, { json: { type: 'boolean' }, print: { type: 'boolean' } });
    const json = values.json === true;
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give a VM name' : `unexpected "${positionals[1]}": put the command after --`);
    const name = positionals[0]!;
    if (json && !values.print) throw new UsageError('--json goes with --print (a session or a command writes ssh\'s own output)');
    return reporting(io, 'ssh', json, () =>
      withSupervisor(async (sup) => {
        if (values.print) {
          const argv = ['ssh', ...sshArgvForVm(await sup.inspect(name), command)];
          if (json) printJson(io, { name, argv });
          else io.out(`${argv.map(shellQuote).join(' ')}\n`);
          return 0;
        }
        // ssh's own output goes straight to the terminal; its exit code is ours (255: ssh itself failed).
        const r = await runSsh(sup, name, command, { stdio: 'inherit' });
        return r.code;
      }),
    );
  },
};
