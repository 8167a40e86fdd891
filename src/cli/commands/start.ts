// `vmdesk start TASKFILE [--json] [--driver-config FILE]`: start a VM and return once it runs.
import { formatPorts } from '../format';
import { parseCli, printJson, reportError, withSupervisor } from '../context';
import { UsageError, type Command } from '../command';

/** The `start` command. */
export const startCommand: Command = {
  name: 'start',
  summary: 'Start a VM from a task file; returns once QEMU runs (the VM keeps running after vmdesk exits)',
  usage: 'vmdesk start TASKFILE [--json] [--driver-config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCli(args, { json: { type: 'boolean' }, 'driver-config': { type: 'string' } });
    const json = values.json === true;
    if (positionals.length !== 1) throw new UsageError('give exactly one task file');
    try {
      const vm = await withSupervisor((sup) => sup.start({ taskFile: positionals[0]! }), { driverConfigFile: values['driver-config'] });
      if (json) printJson(io, { vm });
      else io.out(`started ${vm.name} (pid ${vm.pid})\nports: ${formatPorts(vm.ports)}\n`);
      return 0;
    } catch (err) {
      return reportError(io, 'start', err, json);
    }
  },
};
