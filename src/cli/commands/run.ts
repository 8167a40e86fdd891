// `vmdesk run TASKFILE`: start a VM in the foreground: its console on the terminal, the keyboard to the guest,
// Ctrl-] (or Ctrl-C when stdin is not a terminal) stops it gracefully.
import { statSync } from 'node:fs';
import { formatPorts } from '../format';
import { openSupervisor, parseCli, reportError } from '../context';
import { forwardStdin } from '../console-input';
import { UsageError, type Command } from '../command';
import { commandInfo } from './info';
import { fetchTaskFileArtifacts } from '../fetch-artifacts';

/** The `run` command. */
export const runCommand: Command = {
  ...commandInfo('run'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, { 'driver-config': { type: 'string' }, 'no-input': { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('give exactly one task file');
    const sup = openSupervisor({ driverConfigFile: values['driver-config'] });
    let unsubscribe: (() => void) | undefined;
    let onSigint: (() => void) | undefined;
    let stopInput: (() => void) | undefined;
    try {
      await fetchTaskFileArtifacts(positionals[0]!, io, { json: false, driverConfigFile: values['driver-config'] });
      const plan = await sup.plan({ taskFile: positionals[0]! });
      let from = 0;
      try {
        from = statSync(plan.paths.consoleLog).size;
      } catch {
        from = 0;
      }
      const vm = await sup.start({ taskFile: positionals[0]! });
      const keyboard = values['no-input'] !== true;
      const stopKey = keyboard && process.stdin.isTTY ? 'Ctrl-]' : 'Ctrl-C';
      io.err(`vmdesk: ${vm.name} running (pid ${vm.pid}); ports: ${formatPorts(vm.ports)}; ${stopKey} stops it\n`);
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
      if (keyboard) {
        stopInput = forwardStdin(
          (data) => sup.writeConsole(vm.name, data),
          onSigint,
          (err) => io.err(`vmdesk: console input: ${err.message}\n`),
        );
      }
      const exit = await sup.wait(vm.name);
      await new Promise((r) => setTimeout(r, 300)); // let the follower flush the last console bytes
      io.err(`vmdesk: ${vm.name} ${exit.summary}\n`);
      const info = await sup.inspect(vm.name);
      return info.state === 'crashed' ? 1 : 0;
    } catch (err) {
      return reportError(io, 'run', err, false);
    } finally {
      stopInput?.();
      if (onSigint) process.off('SIGINT', onSigint);
      unsubscribe?.();
      await sup.close();
    }
  },
};
