// `vmdesk test TASKFILE|NAME|JOBFILE [--task NAME] [--spec FILE] [--repeat N] [--keep] [--json] [--junit FILE] [--results DIR]`:
// runs the task on a fresh disposable VM, runs its checks in order (src/main/checks/), always stops the VM
// (SIGINT and SIGTERM included; --keep leaves a failed run's VM running), writes report.json, junit.xml and the run's
// logs into the results directory. A Nomad job file runs its qemu task's service checks (checks/job-file.ts).
// Exit 0: every check passed in every run; 1: one failed; 2: invalid input.
import { runSsh } from '../../main/ssh/run-ssh';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import { resolveTask } from '../../main/nomad/resolve-task';
import { vmdeskHome, vmsDir } from '../../main/store/paths';
import { defaultResultsDir, progressLine } from '../../main/checks/report';
import { TestInputError, testChecks } from '../../main/checks/test-inputs';
import { runTestSession } from '../../main/checks/test-session';
import { openSupervisor, parseCli, reportError } from '../context';
import { readJobFileText, taskFromJobFile } from '../../main/checks/job-file';
import { loadDriverConfig } from '../../main/store/settings-file';
import { fetchWithProgress } from '../fetch-artifacts';
import { checkProgress } from '../check-progress';
import { defaultErr, UsageError, type CliIo, type Command } from '../command';
import { commandInfo } from './info';

/** The `test` command. */
export const testCommand: Command = {
  ...commandInfo('test'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, {
      spec: { type: 'string' },
      task: { type: 'string' },
      repeat: { type: 'string' },
      keep: { type: 'boolean' },
      json: { type: 'boolean' },
      junit: { type: 'string' },
      results: { type: 'string' },
      'driver-config': { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one task file or VM name');
    const repeat = values.repeat !== undefined ? Number(values.repeat) : 1;
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 1000) throw new UsageError('--repeat must be a whole number from 1 to 1000');
    const json = values.json === true;
    const home = vmdeskHome();
    const ref = positionals[0]!;

    // Inputs first: nothing starts until the task, the checks and the plan are known to be good.
    let resolved;
    let checks;
    try {
      const jobText = await readJobFileText(resolve(ref));
      if (jobText === undefined && values.task !== undefined) throw new TestInputError('--task picks a task of a Nomad job file; give a job file, or drop --task');
      resolved = jobText !== undefined
        ? {
            task: await taskFromJobFile(resolve(ref), jobText, {
              home,
              driverConfig: await loadDriverConfig({ home, ...(values['driver-config'] ? { file: values['driver-config'] } : {}) }),
              ...(values.task !== undefined ? { only: values.task } : {}),
            }),
            taskFile: resolve(ref),
          }
        : await resolveTask(ref, { home });
      if (resolved.taskFile === join(vmsDir(home), ref, 'vm.json')) {
        throw new TestInputError(`the task file VM "${ref}" was started from is gone; give the task file (vmdesk test TASKFILE)`);
      }
      checks = await testChecks(resolved.task, values.spec);
    } catch (err) {
      return inputError(io, err, json);
    }
    const { task, taskFile } = resolved;
    const taskDir = dirname(taskFile);
    const resultsDir = resolve(values.results ?? defaultResultsDir(home, task.name, new Date()));
    const sup = openSupervisor({ driverConfigFile: values['driver-config'] });
    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) return;
      io.err('\nvmdesk test: interrupted; stopping the VM...\n');
      controller.abort();
    };
    // SIGTERM too: a CI runner cancels a job with it.
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    // On a terminal the running check spins with its time (check-progress.ts); plain lines otherwise.
    const progress = checkProgress(io.err, !json && process.stderr.isTTY === true && io.err === defaultErr);
    try {
      await fetchWithProgress(task.artifacts, taskDir, io, { json, driverConfigFile: values['driver-config'] });
      const { report, junit } = await runTestSession({
        sup,
        home,
        task,
        taskFile,
        taskDir,
        checks,
        repeat,
        resultsDir,
        keep: values.keep === true,
        signal: controller.signal,
        // ssh checks use `vmdesk ssh`'s client: the VM's cloud-init key and its own known_hosts.
        ssh: (vm, command) => runSsh(sup, vm, command, { timeoutMs: 30_000 }),
        onVm: (run, vm) => progress.line(`${runPrefix(run, repeat)}vmdesk test: ${task.name} on VM ${vm}\n`),
        onCheckStart: (run, index) => progress.running(runPrefix(run, repeat), checks[index]!.name),
        onResult: (run, _index, r) => progress.line(progressLine(r, runPrefix(run, repeat))),
        onRunEnd: (run) => {
          const prefix = runPrefix(run.run, repeat);
          progress.stop();
          if (run.error) io.err(`${prefix}✗ ${run.error}\n`);
          if (run.stoppedBy === 'kept') io.err(`${prefix}vmdesk test: --keep: ${run.vm} is still running; stop it with vmdesk stop ${run.vm} && vmdesk rm ${run.vm}\n`);
        },
      });
      if (values.junit !== undefined) writeFileSync(resolve(values.junit), junit);
      const runs = report.runs;
      if (repeat > 1) for (const s of report.summary) io.err(`  ${s.name}: ${s.passRate} passed, p50 ${secs(s.p50Ms)}, p90 ${secs(s.p90Ms)}\n`);
      const passedChecks = runs.flatMap((r) => r.checks).filter((c) => c.status === 'passed').length;
      const allChecks = runs.length * checks.length;
      io.err(`vmdesk test: ${report.status.toUpperCase()} ${passedChecks}/${allChecks} checks in ${secs(report.durationMs)}; results in ${resultsDir}\n`);
      if (json) io.out(`${JSON.stringify({ ok: report.status === 'passed', report })}\n`);
      return report.status === 'passed' ? 0 : 1;
    } catch (err) {
      return reportError(io, 'test', err, json);
    } finally {
      progress.stop();
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      await sup.close();
    }
  },
};

const runPrefix = (run: number, repeat: number) => (repeat > 1 ? `[run ${run}/${repeat}] ` : '');
const secs = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)}s`);

/** Reports wrong input: exit 2 (an unknown VM name or task file included). */
function inputError(io: CliIo, err: unknown, json: boolean): number {
  if (err instanceof TestInputError || (err instanceof VmdeskError && err.code === 'VM_NOT_FOUND')) {
    const message = (err as Error).message;
    if (json) io.out(`${JSON.stringify({ ok: false, error: { code: 'BAD_REQUEST', message } })}\n`);
    else io.err(`vmdesk test: ${message}\n`);
    return 2;
  }
  return reportError(io, 'test', err, json);
}
