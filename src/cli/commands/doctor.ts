// `vmdesk doctor [--json]`: what the driver finds on this host, with install hints when QEMU is missing.
import { parseArgs } from 'node:util';
import { runDoctor } from '../../main/driver/doctor';
import { formatDoctorReport } from '../../main/driver/doctor-report';
import { UsageError, type Command } from '../command';

/** The `doctor` command. */
export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Show what vmdesk finds on this host: QEMU emulators and versions, qemu-img, KVM, sandboxing',
  usage: 'vmdesk doctor [--json]',
  async run(args, io) {
    let json = false;
    try {
      const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
      if (positionals.length) throw new Error(`unexpected argument "${positionals[0]}"`);
      json = values.json === true;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const report = await runDoctor();
    io.out(json ? `${JSON.stringify(report)}\n` : formatDoctorReport(report));
    return report.ok ? 0 : 1;
  },
};
