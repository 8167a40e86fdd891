// `vmdesk start TASKFILE|NAME [--json] [--driver-config FILE]`: fetch the task's artifacts, start the VM and
// return once it runs. NAME is a VM vmdesk knows (the app's task file, an imported job's, or a past run's).
import { dirname, join } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import { formatPorts } from '../format';
import { onePositional, parseCli, printJson, reporting, withSupervisor } from '../context';
import type { Command } from '../command';
import { commandInfo } from './info';
import { fetchWithProgress } from '../fetch-artifacts';
import { resolveTask } from '../../main/nomad/resolve-task';
import { vmdeskHome, vmsDir } from '../../main/store/paths';

/** The `start` command. */
export const startCommand: Command = {
  ...commandInfo('start'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, { json: { type: 'boolean' }, 'driver-config': { type: 'string' } });
    const json = values.json === true;
    const ref = onePositional(positionals, 'task file or VM name');
    return reporting(io, 'start', json, async () => {
      const { task, taskFile } = await resolveTask(ref, { home: vmdeskHome() });
      // A VM known only by its record has no task directory left to fetch into or resolve its image in.
      if (taskFile === join(vmsDir(vmdeskHome()), ref, 'vm.json')) {
        throw new VmdeskError('VM_NOT_FOUND', `the task file VM "${ref}" was started from is gone; start it from a task file (vmdesk start TASKFILE)`);
      }
      await fetchWithProgress(task.artifacts, dirname(taskFile), io, { json, driverConfigFile: values['driver-config'] });
      const vm = await withSupervisor((sup) => sup.start({ taskFile }), { driverConfigFile: values['driver-config'] });
      if (json) printJson(io, { vm });
      else io.out(`started ${vm.name} (pid ${vm.pid})\nports: ${formatPorts(vm.ports)}\n`);
      return 0;
    });
  },
};
