// `vmdesk start TASKFILE [--json] [--driver-config FILE]`: start a VM and return once it runs.
import { formatPorts } from '../format';
import { onePositional, parseCli, printJson, reporting, withSupervisor } from '../context';
import type { Command } from '../command';
import { fetchTaskFileArtifacts } from '../fetch-artifacts';

/** The `start` command. */
export const startCommand: Command = {
  name: 'start',
  summary: 'Start a VM from a task file; returns once QEMU runs (the VM keeps running after vmdesk exits)',
  usage: 'vmdesk start TASKFILE [--json] [--driver-config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCli(args, { json: { type: 'boolean' }, 'driver-config': { type: 'string' } });
    const json = values.json === true;
    const taskFile = onePositional(positionals, 'task file');
    return reporting(io, 'start', json, async () => {
      await fetchTaskFileArtifacts(taskFile, io, { json, driverConfigFile: values['driver-config'] });
      const vm = await withSupervisor((sup) => sup.start({ taskFile }), { driverConfigFile: values['driver-config'] });
      if (json) printJson(io, { vm });
      else io.out(`started ${vm.name} (pid ${vm.pid})\nports: ${formatPorts(vm.ports)}\n`);
      return 0;
    });
  },
};
