// `vmdesk import JOBFILE`: one vmdesk task file per qemu task of a Nomad job (HCL2 or API JSON).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TASK_FILE_MAX_BYTES } from '../../shared/limits';
import { formatDiagnostic } from '../../main/nomad/diagnostics';
import { loadDriverConfig } from '../../main/store/settings-file';
import { importJobText } from '../../main/nomad/import-job';
import { writeAllOrNothing } from '../../main/nomad/write-tasks';
import { vmdeskHome } from '../../main/store/paths';
import type { Command } from '../command';
import { commandInfo } from './info';
import { onePositional, parseCli, printJson } from '../args';

/** `vmdesk import`. */
export const importCommand: Command = {
  ...commandInfo('import'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, {
      task: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      'driver-config': { type: 'string' },
    });
    const jobFile = onePositional(positionals, 'JOBFILE');
    let text: string;
    try {
      const buf = await readFile(jobFile);
      if (buf.length > TASK_FILE_MAX_BYTES) throw new Error(`larger than ${TASK_FILE_MAX_BYTES} bytes`);
      text = buf.toString('utf8');
    } catch (err) {
      const message = `cannot read ${jobFile}: ${(err as Error).message}`;
      if (values.json) printJson(io, { ok: false, error: { code: 'IMPORT_FAILED', message } });
      else io.err(`vmdesk import: ${message}\n`);
      return 1;
    }
    const home = vmdeskHome();
    const driverConfig = await loadDriverConfig({ home, ...(values['driver-config'] ? { file: values['driver-config'] } : {}) });
    const outDir = resolve(values.out ?? '.');
    const result = await importJobText(text, { outDir, driverConfig, home, ...(values.task ? { only: values.task } : {}) });

    if (result.ok) {
      try {
        await writeAllOrNothing(
          result.tasks.map((t) => ({ path: t.taskFile, content: `${JSON.stringify(t.file, null, 2)}\n` })),
          { overwrite: values.force === true },
        );
      } catch (err) {
        if (values.json) printJson(io, { ...summary(result), ok: false, error: { code: 'IMPORT_FAILED', message: (err as Error).message } });
        else io.err(`vmdesk import: ${(err as Error).message}\n`);
        return 1;
      }
    }
    if (values.json) {
      // One line, as every --json output (README, "--json output"); a failed import says why in `error` too.
      const firstError = result.diagnostics.find((d) => d.severity === 'error');
      printJson(io, { ...summary(result), ...(result.ok ? {} : { error: { code: 'IMPORT_FAILED', message: firstError ? formatDiagnostic(firstError) : 'nothing to import' } }) });
    } else {
      for (const d of result.diagnostics) (d.severity === 'error' ? io.err : io.out)(`${formatDiagnostic(d)}\n`);
      if (result.ok) {
        const n = result.tasks.length;
        io.out(`imported ${n} task${n === 1 ? '' : 's'} from job "${result.job?.name}":\n`);
        for (const t of result.tasks) io.out(`  ${t.name}  ${t.taskFile}\n`);
      } else {
        io.err(`vmdesk import: nothing written; fix the error(s) above${result.tasks.length > 0 ? ' or pick a task with --task' : ''}\n`);
      }
    }
    return result.ok ? 0 : 2;
  },
};

function summary(result: Awaited<ReturnType<typeof importJobText>>) {
  return {
    ok: result.ok,
    job: result.job ?? null,
    tasks: result.tasks.map((t) => ({ name: t.name, group: t.group, nomadTask: t.nomadTask, taskFile: t.taskFile, file: t.file })),
    diagnostics: result.diagnostics,
  };
}
