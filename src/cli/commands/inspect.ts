// `vmdesk inspect NAME [--json]`: state, pid, uuid, uptime, ports, guest agent, last exit.
import { formatInspect } from '../format';
import { parseVmArgs, printJson, reporting, withSupervisor } from '../context';
import type { Command } from '../command';

/** The `inspect` command. */
export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Show one VM: state, pid, uuid, uptime, ports, guest agent, last exit',
  usage: 'vmdesk inspect NAME [--json]',
  async run(args, io) {
    const { name, json } = parseVmArgs(args, {});
    return reporting(io, 'inspect', json, async () => {
      const vm = await withSupervisor((sup) => sup.inspect(name));
      if (json) printJson(io, { vm });
      else io.out(formatInspect(vm));
      return 0;
    });
  },
};
