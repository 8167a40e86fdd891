// The `vmdesk` command line as a user waits for it (issue #17): whole processes of `vmdesk help`, `ls`,
// `inspect`, `plan` against `node -e 0` (Node's own start-up on this machine, the floor), run side by side
// (A B A B); then `vmdesk start` (to its exit: QEMU runs, QMP answered) and `vmdesk stop` (to its exit: QMP
// quit, QEMU gone) against raw QEMU started with the same argv (spawn to QMP query-status answered; QMP quit
// to process exit) and against `node -e 0`. No guest boot: the stop is the task's quit step.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { nowMs } from '../lib/clock';
import { vmdesk } from '../lib/cli';
import { guestTask, planGuest, writeGuestTask } from '../lib/guest-task';
import { killGroup } from '../lib/processes';
import { prepareDirs, spawnRaw } from '../lib/raw-qemu';
import { rawQmp } from '../lib/raw-qmp';
import { figure, type Figure } from '../lib/results';
import { alternation, runSchedule, type RunOutput } from '../lib/schedule';
import { benchHome } from '../lib/vmdesk-env';
import type { Suite, SuiteContext, SuiteOutput } from '../suite';

const NAME = 'clibench';
const GROUP = 'CLI';

/** Spawns `node args...` and resolves to the ms from spawn to exit (any exit status). */
function timedNode(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(nowMs() - t0));
  });
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const h = benchHome(ctx, 'cli');
  // The task file outside $VMDESK_HOME/tasks: `ls` lists run records, not an app task file (which it would
  // parse with the task schema).
  const taskFile = writeGuestTask(ctx.tempDir('vmdesk-bench-cli-task'), NAME, ctx.guest.disk);
  // The quit step first (no guest boot needed for a stop): graceful_shutdown off.
  writeFileSync(taskFile, JSON.stringify({ ...guestTask(NAME), config: { ...(guestTask(NAME).config as object), graceful_shutdown: false } }, null, 2) + '\n');
  const bin = join(ctx.root, 'bin', 'vmdesk.js');
  const rounds = ctx.quick ? 7 : 15;

  // start / stop vs raw QEMU first: they leave the exited record that `ls` lists and `inspect` shows.
  const plan = await planGuest(dirname(taskFile), NAME, h.env);
  const lifecycle = await runSchedule(alternation(['node', 'raw', 'cli'] as const, ctx.quick ? 3 : 5, 1), async (variant): Promise<RunOutput> => {
    if (variant === 'node') return { ms: await timedNode(['-e', '0'], h.env) };
    if (variant === 'raw') {
      prepareDirs(plan);
      const t0 = nowMs();
      const q = spawnRaw(plan);
      try {
        const qmp = await rawQmp(plan.paths.qmpSocket, 30_000);
        await qmp.execute('query-status');
        const started = nowMs() - t0;
        const t1 = nowMs();
        void qmp.execute('quit').catch(() => undefined);
        await q.exited;
        const stopped = nowMs() - t1;
        qmp.close();
        return { start: started, stop: stopped };
      } finally {
        killGroup(q.pid);
      }
    }
    const t0 = nowMs();
    const started = await vmdesk(ctx.root, ['start', taskFile, '--json'], h.env);
    const pid = (JSON.parse(started.stdout) as { vm: { pid: number } }).vm.pid;
    try {
      const t1 = nowMs();
      const stopped = await vmdesk(ctx.root, ['stop', NAME, '--json'], h.env);
      return { start: started.exitedAt - t0, stop: stopped.exitedAt - t1 };
    } finally {
      killGroup(pid);
    }
  });
  // Quick commands, side by side with node -e 0.
  const commands = { help: ['help'], ls: ['ls'], inspect: ['inspect', NAME], plan: ['plan', taskFile] } as const;
  const quickVariants = ['node', ...Object.keys(commands)] as Array<'node' | keyof typeof commands>;
  const quick = await runSchedule(alternation(quickVariants, rounds, 1), async (variant): Promise<RunOutput> => {
    const args = variant === 'node' ? ['-e', '0'] : [bin, ...commands[variant]];
    return { ms: await timedNode(args, h.env) };
  });
  const figures: Figure[] = [];
  const nodeBase = { label: '`node -e 0` (Node start-up, same run)', samples: quick.node.ms! };
  for (const name of Object.keys(commands) as Array<keyof typeof commands>) {
    figures.push(figure({ id: `cli.${name}`, group: GROUP, title: `\`vmdesk ${commands[name].join(' ').replace(taskFile, 'TASKFILE')}\` as a whole process`, unit: 'ms', note: name === 'plan' ? 'plan runs the host fingerprint (a QEMU probe) and the image probes' : 'one VM: an exited state record' }, quick[name].ms!, nodeBase));
  }

  const raw = (k: string, label: string) => ({ label, samples: lifecycle.raw[k]! });
  figures.push(
    figure({ id: 'cli.start', group: GROUP, title: '`vmdesk start` as a whole process (to its exit: QEMU runs, QMP answered)', unit: 'ms', note: 'Node start-up, planning (image checks with qemu-img), state record, spawn, QMP; the guest is not booted' }, lifecycle.cli.start!, raw('start', 'raw qemu-system-x86_64 with the same argv: spawn to QMP query-status answered')),
    figure({ id: 'cli.stop', group: GROUP, title: '`vmdesk stop` as a whole process (QMP quit step, to its exit)', unit: 'ms' }, lifecycle.cli.stop!, raw('stop', 'raw QMP quit to the QEMU process exit')),
    figure({ id: 'cli.node-lifecycle', group: GROUP, title: '`node -e 0` in the start/stop rounds (for the start target: at most 60 ms above it plus the in-process start)', unit: 'ms' }, lifecycle.node.ms!),
  );
  return { figures };
}

/** The CLI suite. */
export const cliSuite: Suite = {
  name: 'cli',
  promises: [
    { id: 'cli.help', group: GROUP, title: '`vmdesk help` as a whole process' },
    { id: 'cli.ls', group: GROUP, title: '`vmdesk ls` as a whole process' },
    { id: 'cli.start', group: GROUP, title: '`vmdesk start` as a whole process' },
  ],
  run,
};
