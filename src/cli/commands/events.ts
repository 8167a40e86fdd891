// `vmdesk events NAME [--json]`: the VM's timeline (lifecycle, QMP events, stop steps, agent, errors).
import { vmDir, vmdeskHome } from '../../main/store/paths';
import { logDiskNow } from '../../main/supervisor/disk-space';
import { formatTable, logDiskWarning } from '../format';
import { parseVmArgs, printJson, reporting, withSupervisor } from '../context';
import type { Command } from '../command';
import { commandInfo } from './info';

/** The `events` command. */
export const eventsCommand: Command = {
  ...commandInfo('events'),
  async run(args, io) {
    const { name, json } = parseVmArgs(args, {});
    return reporting(io, 'events', json, async () => {
      const events = await withSupervisor((sup) => sup.events(name));
      // The disk may be full right now (QEMU dropping console output, events kept in memory): say so.
      const logDisk = logDiskNow(vmDir(vmdeskHome(), name));
      if (logDisk) io.err(logDiskWarning(name, logDisk));
      if (json) printJson(io, { name, events, ...(logDisk ? { logDisk } : {}) });
      else io.out(formatTable(['TIME', 'KIND', 'TYPE', 'MESSAGE'], events.map((e) => [e.at, e.kind, e.type, e.message])));
      return 0;
    });
  },
};
