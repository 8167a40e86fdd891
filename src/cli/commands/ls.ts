// `vmdesk ls [--json]`: every VM with its state, pid, uptime and ports: the run records, plus the app's task
// files that never ran (state `defined`), as the app lists them.
import { formatPorts, formatTable, formatUptime } from '../format';
import { parseCli, printJson, reporting, withSupervisor } from '../context';
import type { Command } from '../command';
import { commandInfo } from './info';
import { listWithDefinitions } from '../../main/app/vm-list';
import { vmdeskHome } from '../../main/store/paths';

/** The `ls` command. */
export const lsCommand: Command = {
  ...commandInfo('ls'),
  async run(args, io) {
    const { values } = parseCli(args, { json: { type: 'boolean' } });
    const json = values.json === true;
    return reporting(io, 'ls', json, async () => {
      const vms = await listWithDefinitions(await withSupervisor((sup) => sup.list()), vmdeskHome());
      if (json) printJson(io, { vms });
      else if (vms.length === 0) io.out('no VMs\n');
      else io.out(formatTable(['NAME', 'STATE', 'PID', 'UPTIME', 'PORTS'], vms.map((v) => [v.name, v.state, v.pid ? String(v.pid) : '-', formatUptime(v.uptimeMs), formatPorts(v.ports)])));
      return 0;
    });
  },
};
