// `vmdesk demo [--detach] [--json]`: the first thing to try on a headless machine. Builds the demo guest from
// this host's packages (the code of the app's first-run button, src/main/demo/), a progress line per step, then
// runs it in the foreground like `vmdesk run` with its HTTP port forwarded and printed; --detach starts it in
// the background and prints how to reach it and how to stop it. A demo built before is reused.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import type { VmInfo } from '../../shared/vm';
import { findTaskFile } from '../../main/app/task-store';
import { vmdeskHome } from '../../main/store/paths';
import { isLive } from '../../main/supervisor/state-machine';
import { UsageError, type CliIo, type Command } from '../command';
import { parseCli, printJson, reporting, withSupervisor } from '../context';
import { commandInfo } from './info';
import { runInForeground } from './run';

const NAME = 'demo';

/** The demo's web page on the host, from its forwarded http port. Pure. */
export function demoUrl(vm: VmInfo): string | undefined {
  const http = vm.ports.find((p) => p.label === 'http' && p.host > 0);
  return http ? `http://${http.bind.includes(':') ? `[${http.bind}]` : http.bind}:${http.host}/` : undefined;
}

/** The demo's task file: the one built before, or a new build (progress on stderr unless quiet). */
async function demoTaskFile(home: string, io: CliIo, quiet: boolean): Promise<string> {
  const existing = await findTaskFile(home, NAME);
  if (existing && existsSync(join(dirname(existing), 'disk.img'))) {
    if (!quiet) io.err(`vmdesk demo: using the demo image built before (${dirname(existing)})\n`);
    return existing;
  }
  if (existing) throw new VmdeskError('VM_EXISTS', `a VM named "${NAME}" exists and is not the demo (${existing}); remove or rename it first`);
  const { createDemoVm } = await import('../../main/demo/demo-vm');
  if (!quiet) io.err('vmdesk demo: building the demo image from this host\'s packages (kernel, busybox, qemu-guest-agent)\n');
  const made = await createDemoVm(home, NAME, (step, done, total) => {
    if (!quiet) io.err(`  [${done}/${total}] ${step}\n`);
  });
  return made.taskFile;
}

/** `vmdesk demo`. */
export const demoCommand: Command = {
  ...commandInfo('demo'),
  async run(args, io) {
    const { values } = parseCli(args, { detach: { type: 'boolean' }, json: { type: 'boolean' }, 'no-input': { type: 'boolean' } });
    const json = values.json === true;
    if (json && !values.detach) throw new UsageError('--json goes with --detach (in the foreground the console is the output)');
    return reporting(io, 'demo', json, async () => {
      const home = vmdeskHome();
      const running = await withSupervisor((sup) => sup.inspect(NAME).catch(() => undefined));
      if (running && isLive(running.state)) {
        throw new VmdeskError('VM_RUNNING', `the demo is already running${demoUrl(running) ? ` at ${demoUrl(running)}` : ''}; stop it with \`vmdesk stop ${NAME}\``);
      }
      const taskFile = await demoTaskFile(home, io, json);
      if (!values.detach) {
        return runInForeground(taskFile, io, {
          keyboard: values['no-input'] !== true,
          command: 'demo',
          onStarted: (vm) => io.err(`vmdesk demo: its web page: ${demoUrl(vm) ?? '(no http port)'}  (it answers once the guest has booted, about 10-60 s under TCG)\n`),
        });
      }
      const vm = await withSupervisor((sup) => sup.start({ taskFile }));
      const url = demoUrl(vm);
      if (json) printJson(io, { vm, ...(url ? { url } : {}) });
      else {
        io.out(`demo running (pid ${vm.pid}): ${url ?? '(no http port)'}\n`);
        io.out(`  console:  vmdesk logs -f ${NAME}      (it prints VMDESK-DEMO-READY once booted)\n`);
        io.out(`  stop it:  vmdesk stop ${NAME}\n`);
      }
      return 0;
    });
  },
};
