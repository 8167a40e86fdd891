// `vmdesk logs NAME [-f] [--stderr]`: the serial console log (or QEMU's stderr), whole, then optionally followed.
import { existsSync } from 'node:fs';
import { VmdeskError } from '../../shared/errors';
import { isLive } from '../../shared/vm';
import { vmDir, vmdeskHome, vmLogFile } from '../../main/store/paths';
import { followFile } from '../../main/supervisor/file-follower';
import { readLog } from '../../main/supervisor/log-read';
import { logDiskWarning } from '../format';
import { oneName, parseCli, reporting, withSupervisor } from '../context';
import type { Command } from '../command';
import { commandInfo } from './info';

/** The `logs` command. */
export const logsCommand: Command = {
  ...commandInfo('logs'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, { follow: { type: 'boolean', short: 'f' }, stderr: { type: 'boolean' } });
    const name = oneName(positionals);
    return reporting(io, 'logs', false, async () => {
      const vm = await withSupervisor((sup) => sup.inspect(name).catch((err: unknown) => (err instanceof VmdeskError && err.code === 'VM_NOT_FOUND' ? undefined : Promise.reject(err))));
      const home = vmdeskHome();
      const path = vmLogFile(home, name, values.stderr ? 'stderr' : 'console');
      if (!vm && !existsSync(vmDir(home, name))) throw new VmdeskError('VM_NOT_FOUND', `no VM named "${name}" (see \`vmdesk ls\`)`);
      if (vm?.logDisk) io.err(logDiskWarning(name, vm.logDisk)); // the log has a gap while the disk is full: say so
      // Raw bytes, as QEMU wrote them (the guest's escape sequences included).
      const write = (chunk: Buffer) => io.out(chunk.toString('utf8'));
      const end = await readLog(path, write);
      if (!values.follow || !vm || !isLive(vm.state)) return 0;
      await new Promise<void>((resolve) => {
        const follower = followFile(path, write, { fromOffset: end });
        const finish = () => {
          clearInterval(check);
          process.off('SIGINT', finish);
          follower.stop();
          resolve();
        };
        // Ends when the VM is no longer live (checked once a second from its record and pid) or on Ctrl-C.
        const check = setInterval(() => {
          void withSupervisor((sup) => sup.inspect(name)).then(
            (v) => !isLive(v.state) && setTimeout(finish, 200),
            () => finish(),
          );
        }, 1_000);
        process.once('SIGINT', finish);
      });
      return 0;
    });
  },
};
