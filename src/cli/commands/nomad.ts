// `vmdesk nomad submit NAME|TASKFILE`: run a VM on a Nomad cluster and follow it until it runs or fails.
import { parseDuration } from '../../shared/duration';
import { resolveNomadTarget } from '../../main/nomad/nomad-target';
import { resolveTask } from '../../main/nomad/resolve-task';
import { NomadRequestError, submitTask, type SubmitEvent } from '../../main/nomad/submit';
import { vmdeskHome } from '../../main/store/paths';
import { UsageError, type CliIo, type Command } from '../command';
import { commandInfo } from './info';
import { onePositional, parseCli } from '../args';

function describe(e: SubmitEvent): string {
  switch (e.kind) {
    case 'registered':
      return `registered job "${e.jobId}" (evaluation ${e.evalId.slice(0, 8)})${e.warnings ? `\nNomad warnings: ${e.warnings.trim()}` : ''}`;
    case 'evaluation':
      return `evaluation ${e.evalId.slice(0, 8)}: ${e.status}${e.description ? ` (${e.description})` : ''}`;
    case 'placement-failed':
      return `placement failure for group "${e.group}": ${e.detail}`;
    case 'allocation':
      return `allocation ${e.allocId.slice(0, 8)}: ${e.clientStatus}${e.node ? ` on node ${e.node}` : ''}`;
    case 'task-event':
      return `  ${e.time}  ${e.task}  ${e.type}${e.message ? `: ${e.message}` : ''}`;
    case 'task-state':
      return `task "${e.task}" is ${e.state}${e.failed ? ' (failed)' : ''}`;
  }
}

async function submit(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCli(args, {
    address: { type: 'string' },
    token: { type: 'string' },
    namespace: { type: 'string' },
    region: { type: 'string' },
    artifact: { type: 'string' },
    timeout: { type: 'string' },
    detach: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const taskRef = onePositional(positionals, 'NAME or TASKFILE');
  const timeoutMs = values.timeout === undefined ? undefined : parseDuration(values.timeout);
  if (values.timeout !== undefined && (timeoutMs === undefined || timeoutMs <= 0)) throw new UsageError(`--timeout must be a duration such as 5m, not "${values.timeout}"`);
  const target = resolveNomadTarget({
    ...(values.address !== undefined ? { address: values.address } : {}),
    ...(values.token !== undefined ? { token: values.token } : {}),
    ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
  });
  const { task } = await resolveTask(taskRef, { home: vmdeskHome() });
  const events: SubmitEvent[] = [];
  try {
    const result = await submitTask(task, target, {
      onEvent: (e) => {
        events.push(e);
        if (!values.json) io.out(`${describe(e)}\n`);
      },
      ...(values.artifact ? { artifactUrl: values.artifact } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(values.detach ? { detach: true } : {}),
    });
    if (values.json) io.out(`${JSON.stringify({ ok: result.outcome === 'running' || result.outcome === 'registered', ...result, address: target.address, events })}\n`);
    else if (result.outcome === 'running') io.out(`task "${task.name}" is running on Nomad (allocation ${result.allocId?.slice(0, 8)})\n`);
    else if (result.outcome === 'registered') io.out(`submitted; follow it with: nomad job status ${result.jobId}\n`);
    else io.err(`vmdesk nomad submit: ${result.reason}\n`);
    return result.outcome === 'running' || result.outcome === 'registered' ? 0 : 1;
  } catch (err) {
    if (!(err instanceof NomadRequestError)) throw err;
    if (values.json) io.out(`${JSON.stringify({ ok: false, outcome: 'error', failure: err.failure, status: err.status ?? null, message: err.message, error: { code: 'NOMAD_ERROR', message: err.message }, address: target.address, events })}\n`);
    else io.err(`vmdesk nomad submit: ${err.message}\n`);
    return 1;
  }
}

/** `vmdesk nomad`. */
export const nomadCommand: Command = {
  ...commandInfo('nomad'),
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'submit') return submit(rest, io);
    throw new UsageError(sub === undefined ? 'give a subcommand: submit' : `unknown subcommand "${sub}"; the subcommand is: submit`);
  },
};
