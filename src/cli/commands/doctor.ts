// `vmdesk doctor [--refresh] [--json]`: what the driver finds on this host, with install hints when QEMU is missing;
// --refresh probes QEMU again instead of using the fingerprint cache.
import { runDoctor } from '../../main/driver/doctor';
import { formatDoctorReport } from '../../main/driver/doctor-report';
import { cacheSummary } from '../../main/artifacts/cache';
import { vmdeskHome } from '../../main/store/paths';
import { UsageError, type Command } from '../command';
import { commandInfo } from './info';
import { parseCli } from '../args';

/** The `doctor` command. */
export const doctorCommand: Command = {
  ...commandInfo('doctor'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, { json: { type: 'boolean' }, refresh: { type: 'boolean' } });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const json = values.json === true;
    const report = { ...(await runDoctor(process.env, { refresh: values.refresh === true })), cache: cacheSummary(vmdeskHome()) };
    io.out(json ? `${JSON.stringify(report)}\n` : formatDoctorReport(report));
    return report.ok ? 0 : 1;
  },
};
