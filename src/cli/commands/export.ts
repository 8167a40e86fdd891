// `vmdesk export NAME|TASKFILE`: the VM as a Nomad job (HCL2 or API JSON) that runs it on a current Nomad.
import { writeFile, rename } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exportJob, toApiJson, toHcl } from '../../main/nomad/export-job';
import { resolveTask } from '../../main/nomad/resolve-task';
import { vmdeskHome } from '../../main/store/paths';
import { UsageError, type Command } from '../command';
import { commandInfo } from './info';
import { onePositional, parseCli } from '../args';

/** `vmdesk export`. */
export const exportCommand: Command = {
  ...commandInfo('export'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, { format: { type: 'string', default: 'hcl' }, out: { type: 'string' }, artifact: { type: 'string' } });
    const target = onePositional(positionals, 'NAME or TASKFILE');
    if (values.format !== 'hcl' && values.format !== 'json') throw new UsageError(`--format must be hcl or json, not "${values.format}"`);
    if (values.artifact !== undefined && !/^[a-z][a-z0-9+.-]*::?\S+$/i.test(values.artifact)) {
      throw new UsageError(`--artifact must be a URL Nomad's artifact downloader understands (https://..., s3::..., git::...), not "${values.artifact}"`);
    }
    const { task, taskFile } = await resolveTask(target, { home: vmdeskHome() });
    const job = exportJob(task, values.artifact ? { artifactUrl: values.artifact } : {});
    const text =
      values.format === 'hcl'
        ? toHcl(job, `Nomad job for vmdesk VM "${task.name}" (from ${taskFile}), written by vmdesk ${__VMDESK_VERSION__}.\nPorts are forwarded by the -netdev/-device arguments at the end of args: see vmdesk's README, "Nomad".`)
        : `${JSON.stringify(toApiJson(job), null, 2)}\n`;
    for (const note of job.notes) io.err(`note: ${note}\n`);
    if (values.out) {
      const out = resolve(values.out);
      const temp = `${out}.tmp-${process.pid}`;
      await writeFile(temp, text, { mode: 0o644 });
      await rename(temp, out);
      io.err(`wrote ${out}\n`);
    } else {
      io.out(text);
    }
    return 0;
  },
};
