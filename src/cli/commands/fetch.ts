// `vmdesk fetch TASKFILE|NAME [--force] [--json]`: fetch a task's artifacts into its directory now.
import { dirname } from 'node:path';
import { resolveTask } from '../../main/nomad/resolve-task';
import { vmdeskHome } from '../../main/store/paths';
import type { Command } from '../command';
import { commandInfo } from './info';
import { onePositional, parseCli, printJson, reporting } from '../args';
import { fetchWithProgress, formatOutcomes, outcomesJson } from '../fetch-artifacts';

/** The `fetch` command. */
export const fetchCommand: Command = {
  ...commandInfo('fetch'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, { json: { type: 'boolean' }, force: { type: 'boolean' }, 'driver-config': { type: 'string' } });
    const json = values.json === true;
    const ref = onePositional(positionals, 'task file or VM name');
    return reporting(io, 'fetch', json, async () => {
      const { task, taskFile } = await resolveTask(ref, { home: vmdeskHome() });
      const outcomes = await fetchWithProgress(task.artifacts, dirname(taskFile), io, { json, force: values.force === true, driverConfigFile: values['driver-config'] });
      if (json) printJson(io, { name: task.name, artifacts: outcomesJson(outcomes) });
      else io.out(outcomes.length ? formatOutcomes(outcomes) : `${task.name} has no artifacts\n`);
      return 0;
    });
  },
};
