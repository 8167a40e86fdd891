// `vmdesk stats NAME [--json]`: CPU % and RSS of the VM's QEMU process, measured over one second.
import { VmdeskError } from '../../shared/errors';
import { sampleOnce } from '../../main/supervisor/stats';
import { formatBytes, formatTable } from '../format';
import { parseVmArgs, printJson, reporting, withSupervisor } from '../context';
import type { Command } from '../command';
import { commandInfo } from './info';

/** The `stats` command. */
export const statsCommand: Command = {
  ...commandInfo('stats'),
  async run(args, io) {
    const { name, json } = parseVmArgs(args, {});
    return reporting(io, 'stats', json, async () => {
      const vm = await withSupervisor((sup) => sup.inspect(name));
      if (!vm.pid || !['running', 'paused', 'starting', 'stopping'].includes(vm.state)) throw new VmdeskError('VM_NOT_RUNNING', `${name} is ${vm.state}: no QEMU process to measure`);
      const sample = await sampleOnce(vm.pid, 1_000);
      if (!sample) throw new VmdeskError('VM_NOT_RUNNING', `${name}: QEMU (pid ${vm.pid}) exited while being measured`);
      if (json) printJson(io, { name, pid: vm.pid, sample });
      else io.out(formatTable(['NAME', 'PID', 'CPU %', 'RSS'], [[name, String(vm.pid), sample.cpuPercent.toFixed(1), formatBytes(sample.rssBytes)]]));
      return 0;
    });
  },
};
