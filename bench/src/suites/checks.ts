// `vmdesk test` (issue #16). Each round boots the test guest three times, A B C:
//   run    `vmdesk run TASKFILE --no-input` as a whole process: spawn to the ready marker on its console
//          output; then SIGINT (its graceful stop).
//   test   `vmdesk test TASKFILE --spec` with a console check for the same marker, then 99 agent checks (a spec holds at most 100 checks)
//          (/bin/true): spawn to the console check's "✓" line; per agent check, its time in report.json (agent
//          connect + sync, guest-exec, guest-exec-status polling), and the mean over the run from the console
//          check's "✓" line to the last agent check's (the sequencer and the progress output included).
//   raw    qemu-system-x86_64 with the plan's argv; after the marker, 99 × guest-exec /bin/true +
//          guest-exec-status (asked again at once) on one synced agent connection (bench/src/lib/raw-agent.ts).
// For run and test, the bench's own watcher also times the marker in the VM's console log, so the boot (TCG
// noise of seconds) can be told apart from vmdesk's noticing it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { vmLogFile, vmPaths } from '../../../src/main/store/paths';
import { nowMs, orTimeout, waitUntil } from '../lib/clock';
import { vmdeskStreaming } from '../lib/cli-stream';
import { fileSize, waitForMarker } from '../lib/console-watch';
import { planGuest, writeGuestTask } from '../lib/guest-task';
import { killGroup } from '../lib/processes';
import { rawAgent } from '../lib/raw-agent';
import { prepareDirs, spawnRaw } from '../lib/raw-qemu';
import { rawQmp } from '../lib/raw-qmp';
import { figure } from '../lib/results';
import { alternation, runSchedule, type RunOutput } from '../lib/schedule';
import { benchHome, type BenchHome } from '../lib/vmdesk-env';
import type { Suite, SuiteContext, SuiteOutput } from '../suite';

const NAME = 'bench';
const BOOT_TIMEOUT_MS = 240_000;
/** Agent checks per measured `vmdesk test` run: the 100 less the console check (a spec holds at most 100). */
export const AGENT_CHECKS = 99;
const AGENT_COMMAND = ['/bin/true'];

/** The spec of a `vmdesk test` run: the console check, then `agentChecks` agent checks. Pure. */
export function checksSpec(marker: string, agentChecks: number): { checks: Array<Record<string, unknown>> } {
  const checks: Array<Record<string, unknown>> = [{ name: 'boots', console: marker, timeout: '4m' }];
  for (let i = 1; i <= agentChecks; i++) checks.push({ name: `agent ${i}`, agent: { command: AGENT_COMMAND, exit_code: 0 }, timeout: '2m' });
  return { checks };
}

/** Waits for `path` to exist (polled every 2 ms: it appears within a second of the start), then for the marker. */
async function markerInLog(path: string, marker: string, offset: number): Promise<number> {
  await waitUntil(() => existsSync(path), `${path} to appear`, BOOT_TIMEOUT_MS, 2);
  return waitForMarker(path, marker, offset, BOOT_TIMEOUT_MS);
}

async function runRun(ctx: SuiteContext, h: BenchHome, taskFile: string): Promise<RunOutput> {
  const log = vmPaths(h.home, NAME, { disposable: false, guestAgent: true }, h.env).consoleLog;
  const offset = fileSize(log);
  const marker = ctx.guest.markers.ready;
  const cli = vmdeskStreaming(ctx.root, ['run', taskFile, '--no-input'], h.env);
  try {
    const inLog = markerInLog(log, marker, offset);
    const reported = await cli.stdoutText(marker, BOOT_TIMEOUT_MS);
    const tLog = await inLog;
    return { reported: reported - cli.startedAt, boot: tLog - cli.startedAt, notice: reported - tLog };
  } finally {
    cli.child.kill('SIGINT');
    const code = await orTimeout(cli.exited, 60_000);
    if (code === 'timeout') cli.child.kill('SIGKILL');
  }
}

async function runTest(ctx: SuiteContext, h: BenchHome, taskFile: string, agentChecks: number, n: number): Promise<{ times: RunOutput; perCheck: number[] }> {
  const spec = join(h.home, `spec-${agentChecks}.json`);
  writeFileSync(spec, JSON.stringify(checksSpec(ctx.guest.markers.ready, agentChecks)));
  const results = join(h.home, 'results', String(n));
  mkdirSync(dirname(results), { recursive: true });
  const cli = vmdeskStreaming(ctx.root, ['test', taskFile, '--spec', spec, '--results', results], h.env);
  try {
    const vmLine = await cli.stderrLine(/ on VM (\S+)$/, 60_000);
    const vm = / on VM (\S+)$/.exec(vmLine.line)![1]!;
    const inLog = markerInLog(vmLogFile(h.home, vm, 'console'), ctx.guest.markers.ready, 0);
    const boots = await cli.stderrLine(/^✓ boots /, BOOT_TIMEOUT_MS + 30_000);
    const tLog = await inLog;
    const code = await orTimeout(cli.exited, agentChecks * 10_000 + 120_000);
    if (code !== 0) throw new Error(`vmdesk test exited ${code}: ${cli.stderrLines.slice(-5).map((l) => l.line).join(' | ')}`);
    // Per check: vmdesk's own time of each (report.json, whole ms). The "✓" lines cannot time them: under load
    // the bench reads several at once from the pipe.
    const report = JSON.parse(readFileSync(join(results, 'report.json'), 'utf8')) as { runs: Array<{ checks: Array<{ kind: string; status: string; durationMs: number }> }> };
    const agent = report.runs[0]?.checks.filter((c) => c.kind === 'agent' && c.status === 'passed') ?? [];
    if (agent.length !== agentChecks) throw new Error(`vmdesk test reported ${agent.length} of ${agentChecks} agent checks passed`);
    const agentLines = cli.stderrLines.filter((l) => /^✓ agent \d+ /.test(l.line)).map((l) => l.at);
    const span = agentLines.length > 0 ? agentLines[agentLines.length - 1]! - boots.at : 0;
    return { times: { reported: boots.at - cli.startedAt, boot: tLog - cli.startedAt, notice: boots.at - tLog, ...(agentChecks > 0 ? { perCheckMean: span / agentChecks } : {}) }, perCheck: agent.map((c) => c.durationMs) };
  } finally {
    if (cli.child.exitCode === null) {
      cli.child.kill('SIGTERM');
      await orTimeout(cli.exited, 60_000);
    }
  }
}

async function runRaw(ctx: SuiteContext, h: BenchHome, taskFile: string, agentCalls: number): Promise<{ perCall: number[] }> {
  const plan = await planGuest(dirname(taskFile), NAME, h.env);
  prepareDirs(plan);
  const offset = fileSize(plan.paths.consoleLog);
  const q = spawnRaw(plan);
  try {
    const qmp = await rawQmp(plan.paths.qmpSocket, 30_000);
    await markerInLog(plan.paths.consoleLog, ctx.guest.markers.ready, offset);
    const perCall: number[] = [];
    if (agentCalls > 0) {
      const ga = await rawAgent(plan.paths.agentSocket!, 120_000);
      try {
        for (let i = 0; i < agentCalls; i++) {
          const t0 = nowMs();
          const code = await ga.exec(AGENT_COMMAND[0]!, AGENT_COMMAND.slice(1));
          perCall.push(nowMs() - t0);
          if (code !== 0) throw new Error(`raw guest-exec ${AGENT_COMMAND.join(' ')} exited ${code}`);
        }
      } finally {
        ga.close();
      }
    }
    await qmp.execute('system_powerdown');
    await orTimeout(q.exited, 30_000);
    qmp.close();
    return { perCall };
  } finally {
    killGroup(q.pid);
  }
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const homes = { run: benchHome(ctx, 'run'), test: benchHome(ctx, 'test'), raw: benchHome(ctx, 'rawga') };
  const tasks = {
    run: writeGuestTask(homes.run.tasks, NAME, ctx.guest.disk),
    test: writeGuestTask(homes.test.tasks, NAME, ctx.guest.disk),
    raw: writeGuestTask(homes.raw.tasks, NAME, ctx.guest.disk),
  };
  const perCheck: number[] = [];
  const perCall: number[] = [];
  let n = 0;
  const s = await runSchedule(alternation(['run', 'test', 'raw'] as const, ctx.rounds, ctx.warmupRounds), async (variant, at) => {
    // Warm-up rounds boot too (the console check is the point), without the 100 agent calls.
    const agent = at.warmup ? 0 : AGENT_CHECKS;
    ctx.log(`checks: round ${at.round}${at.warmup ? ' (warm-up)' : ''}: ${variant}`);
    if (variant === 'run') return runRun(ctx, homes.run, tasks.run);
    if (variant === 'test') {
      const { times, perCheck: p } = await runTest(ctx, homes.test, tasks.test, agent, n++);
      if (!at.warmup) perCheck.push(...p);
      return times;
    }
    const { perCall: p } = await runRaw(ctx, homes.raw, tasks.raw, agent);
    if (!at.warmup) perCall.push(...p);
    return {};
  });
  return {
    figures: [
      figure(
        { id: 'checks.console', group: 'Checks (`vmdesk test`)', title: '`vmdesk test`: start to a console check passed (the ready marker)', unit: 'ms', note: 'both as whole processes, from spawn (Node start-up, planning, the disposable overlay of `vmdesk test` included) to the check\'s "✓" line / the marker on `vmdesk run`\'s output; the guest\'s boot under TCG varies by seconds between runs, see the next two rows' },
        s.test.reported!,
        { label: '`vmdesk run` waiting for the same marker on its console output', samples: s.run.reported! },
      ),
      figure(
        { id: 'checks.console.boot', group: 'Checks (`vmdesk test`)', title: 'of which: spawn to the marker written to the console log (the guest\'s boot)', unit: 'ms', note: 'the same console-log watcher for both (bench/src/lib/console-watch.ts)' },
        s.test.boot!,
        { label: '`vmdesk run`', samples: s.run.boot! },
      ),
      figure(
        { id: 'checks.console.notice', group: 'Checks (`vmdesk test`)', title: 'of which: marker in the console log to the check passed', unit: 'ms', note: 'vmdesk\'s own noticing: the console follower, the check\'s regex, the progress line' },
        s.test.notice!,
        { label: '`vmdesk run`: marker in the log to the marker on its output', samples: s.run.notice! },
      ),
      figure(
        { id: 'checks.agent.per-check', group: 'Checks (`vmdesk test`)', title: `per agent check (${AGENT_COMMAND.join(' ')}), ${AGENT_CHECKS} in a row`, unit: 'ms', note: 'each check\'s time in report.json: per check, a new agent connection + guest-sync-delimited, guest-exec, guest-exec-status polled with a pause from 20 ms doubling (src/main/qmp/agent.ts)' },
        perCheck,
        { label: 'raw guest-exec + guest-exec-status asked again at once, one synced connection', samples: perCall },
      ),
      figure(
        { id: 'checks.agent.mean', group: 'Checks (`vmdesk test`)', title: `per agent check, whole run: (last agent check's "✓" − the console check's) / ${AGENT_CHECKS}`, unit: 'ms', note: 'one sample per run; the sequencer, the progress lines and the pauses between checks included' },
        s.test.perCheckMean!,
        { label: 'raw, mean per call', samples: perCall.length > 0 ? [perCall.reduce((a, b) => a + b, 0) / perCall.length] : [] },
      ),
    ],
  };
}

/** `vmdesk test` overhead on a console check, and per agent check. */
export const checksSuite: Suite = {
  name: 'checks',
  promises: [
    { id: 'checks.console', group: 'Checks (`vmdesk test`)', title: '`vmdesk test`: start to a console check passed (the ready marker)' },
    { id: 'checks.agent.per-check', group: 'Checks (`vmdesk test`)', title: `per agent check, ${AGENT_CHECKS} in a row` },
  ],
  run,
};
