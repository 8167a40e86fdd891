// `vmdesk plan TASKFILE [--json] [--driver-config FILE]`: validate a task and print the exact QEMU argv.
// Nothing is started, nothing is written.
import { toErrorData, VmdeskError } from '../../shared/errors';
import { planTaskFile } from '../../main/driver/prepare';
import { hardwareLines, hardwareSummary } from '../../main/driver/hardware-summary';
import { loadDriverConfig } from '../../main/store/settings-file';
import { vmdeskHome } from '../../main/store/paths';
import { UsageError, type Command } from '../command';
import { commandInfo } from './info';
import { parseCli } from '../args';

/** The `plan` command. */
export const planCommand: Command = {
  ...commandInfo('plan'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, { json: { type: 'boolean' }, 'driver-config': { type: 'string' } });
    const json = values.json === true;
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give a task file' : 'give exactly one task file');
    try {
      const home = vmdeskHome();
      const driverConfig = await loadDriverConfig({ home, ...(values['driver-config'] ? { file: values['driver-config'] } : {}) });
      const plan = await planTaskFile(positionals[0]!, { driverConfig, home });
      if (json) {
        const ports = plan.ports.map((p) => ({ label: p.label, host: p.host, guest: p.guest, bind: p.bind }));
        io.out(`${JSON.stringify({ ok: true, name: plan.name, binary: plan.binary, argv: plan.argv, ports, hardware: hardwareSummary(plan), warnings: plan.warnings })}\n`);
      } else {
        io.out([plan.binary, ...plan.argv].map((t) => `${t}\n`).join(''));
        // The hardware in words on stderr: stdout stays the argv alone, one token a line.
        if (plan.firmware || plan.tpm || plan.drives || plan.cloudInit) for (const l of hardwareLines(plan)) io.err(`${l}\n`);
        for (const w of plan.warnings) io.err(`warning: ${w}\n`);
      }
      return 0;
    } catch (err) {
      const data = toErrorData(err);
      // The error always has the same keys; field is null when the error is not about one field.
      if (json) io.out(`${JSON.stringify({ ok: false, error: { code: data.code, message: data.message, field: data.field ?? null } })}\n`);
      else io.err(`vmdesk plan: ${data.message}\n`);
      return err instanceof VmdeskError && data.code !== 'INTERNAL' ? 2 : 1;
    }
  },
};
