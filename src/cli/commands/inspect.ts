// `vmdesk inspect NAME [--json]`: state, pid, uuid, uptime, ports, guest agent, last exit (or `defined` for an
// app task file that never ran).
import { formatInspect } from '../format';
import { parseVmArgs, printJson, reporting, withSupervisor } from '../context';
import type { Command } from '../command';
import { commandInfo } from './info';
import { VmdeskError } from '../../shared/errors';
import { definedVm } from '../../main/app/vm-list';
import { vmdeskHome } from '../../main/store/paths';

/** The `inspect` command. */
export const inspectCommand: Command = {
  ...commandInfo('inspect'),
  async run(args, io) {
    const { name, json } = parseVmArgs(args, {});
    return reporting(io, 'inspect', json, async () => {
      const vm = await withSupervisor((sup) =>
        sup.inspect(name).catch(async (err: unknown) => {
          // A VM made or imported in the app that never ran: its task file, state `defined` (as `ls` shows it).
          const defined = err instanceof VmdeskError && err.code === 'VM_NOT_FOUND' ? await definedVm(vmdeskHome(), name) : undefined;
          if (!defined) throw err;
          return defined;
        }),
      );
      if (json) printJson(io, { vm });
      else io.out(formatInspect(vm));
      return 0;
    });
  },
};
