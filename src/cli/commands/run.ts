// `vmdesk run TASKFILE`: start a VM in the foreground: its console on the terminal, Ctrl-C stops it gracefully.
import { statSync } from 'node:fs';
import { formatPorts } from '../format';
import { openSupervisor, parseCli, reportError } from '../context';
import { UsageError, type Command } from '../command';

/** The `run` command. */
export const runCommand: Command = {
  name: 'run',
  summary: 'Run a VM in the foreground: serial console to the terminal; Ctrl-C stops it gracefully',
  usage: 'vmdesk run TASKFILE [--driver-config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCli(args, { 'driver-config': { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('give exactly one task file');
    const sup = openSupervisor({ driverConfigFile: values['driver-config'] });
    let unsubscribe: (() => void) | undefined;
    let onSigint: (() => void) | undefined;
    try {
      const plan = await sup.plan({ taskFile: positionals[0]! });
      let from = 0;
      try {
        from = statSync(plan.paths.consoleLog).size;
      } catch {
        from = 0;
      }
      const vm = await sup.start({ taskFile: positionals[0]! });
      io.err(`vmdesk: ${vm.name} running (pid ${vm.pid}); ports: ${formatPorts(vm.ports)}; Ctrl-C stops it\n`);
      unsubscribe = sup.subscribeConsole(vm.name, (chunk) => io.out(Buffer.from(chunk).toString('utf8')), { fromOffset: from });
      let stopping = false;
      onSigint = () => {
        if (stopping) {
          io.err('vmdesk: already stopping; wait for the stop ladder (or run `vmdesk stop --force` elsewhere)\n');
          return;
        }
        stopping = true;
        io.err(`\nvmdesk: stopping ${vm.name}...\n`);
        sup.stop(vm.name).then(
          (r) => io.err(`vmdesk: stopped by ${r.step}\n`),
          (err: unknown) => io.err(`vmdesk: stop failed: ${(err as Error).message}\n`),
        );
      };
      process.on('SIGINT', onSigint);
      const exit = await sup.wait(vm.name);
      await new Promise((r) => setTimeout(r, 300)); // let the follower flush the last console bytes
      io.err(`vmdesk: ${vm.name} ${exit.summary}\n`);
      const info = await sup.inspect(vm.name);
      return info.state === 'crashed' ? 1 : 0;
    } catch (err) {
      return reportError(io, 'run', err, false);
    } finally {
      if (onSigint) process.off('SIGINT', onSigint);
      unsubscribe?.();
      await sup.close();
    }
  },
};
