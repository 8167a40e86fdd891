// `vmdesk run TASKFILE`: start a VM in the foreground: its console on the terminal, the keyboard to the guest,
// Ctrl-] (or Ctrl-C when stdin is not a terminal) stops it gracefully.
import { statSync } from 'node:fs';
import { formatPorts } from '../format';
import { openSupervisor, parseCli, reportError } from '../context';
import { forwardStdin } from '../console-input';
import { UsageError, type CliIo, type Command } from '../command';
import type { VmInfo } from '../../shared/vm';
import { commandInfo } from './info';
import { fetchTaskFileArtifacts } from '../fetch-artifacts';

/** How to run a task in the foreground (`vmdesk run`, `vmdesk demo`). */
export interface ForegroundOptions {
  driverConfigFile?: string | undefined;
  /** Send the keyboard (or piped stdin) to the guest. */
  keyboard: boolean;
  /** Told once QEMU runs (e.g. to print the demo's URL). */
  onStarted?: (vm: VmInfo) => void;
  /** The command named in errors. */
  command?: string;
}

/** Starts the task, shows its console until the VM exits; Ctrl-] (Ctrl-C) stops it gracefully. Resolves to the exit code. */
export async function runInForeground(taskFile: string, io: CliIo, o: ForegroundOptions): Promise<number> {
  const sup = openSupervisor({ driverConfigFile: o.driverConfigFile });
  let unsubscribe: (() => void) | undefined;
  let onSigint: (() => void) | undefined;
  let stopInput: (() => void) | undefined;
  try {
    await fetchTaskFileArtifacts(taskFile, io, { json: false, driverConfigFile: o.driverConfigFile });
    const plan = await sup.plan({ taskFile });
    let from = 0;
    try {
      from = statSync(plan.paths.consoleLog).size;
    } catch {
      from = 0;
    }
    const vm = await sup.start({ taskFile });
    const keyboard = o.keyboard;
    const stopKey = keyboard && process.stdin.isTTY ? 'Ctrl-]' : 'Ctrl-C';
    io.err(
      `vmdesk: ${vm.name} running (pid ${vm.pid}); ports: ${formatPorts(vm.ports)}; ${stopKey} stops it\n`,
    );
    o.onStarted?.(vm);
    unsubscribe = sup.subscribeConsole(vm.name, (chunk) => io.out(Buffer.from(chunk).toString('utf8')), {
      fromOffset: from,
    });
    let stopping = false;
    onSigint = () => {
      if (stopping) {
        io.err(
          'vmdesk: already stopping; wait for the stop ladder (or run `vmdesk stop --force` elsewhere)\n',
        );
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
    return reportError(io, o.command ?? 'run', err, false);
  } finally {
    stopInput?.();
    if (onSigint) process.off('SIGINT', onSigint);
    unsubscribe?.();
    await sup.close();
  }
}

/** The `run` command. */
export const runCommand: Command = {
  ...commandInfo('run'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, {
      'driver-config': { type: 'string' },
      'no-input': { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one task file');
    return runInForeground(positionals[0]!, io, {
      driverConfigFile: values['driver-config'],
      keyboard: values['no-input'] !== true,
    });
  },
};
