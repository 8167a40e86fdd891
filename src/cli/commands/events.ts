// `vmdesk events NAME [--json]`: the VM's timeline (lifecycle, QMP events, stop steps, agent, errors).
import { formatTable } from '../format';
import { parseVmArgs, printJson, reporting, withSupervisor } from '../context';
import type { Command } from '../command';

/** The `events` command. */
export const eventsCommand: Command = {
  name: 'events',
  summary: "Show a VM's timeline: lifecycle steps, QMP events, stop-ladder steps, agent status, errors",
  usage: 'vmdesk events NAME [--json]',
  async run(args, io) {
    const { name, json } = parseVmArgs(args, {});
    return reporting(io, 'events', json, async () => {
      const events = await withSupervisor((sup) => sup.events(name));
      if (json) printJson(io, { name, events });
      else io.out(formatTable(['TIME', 'KIND', 'TYPE', 'MESSAGE'], events.map((e) => [e.at, e.kind, e.type, e.message])));
      return 0;
    });
  },
};
