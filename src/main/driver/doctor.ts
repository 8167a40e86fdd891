// I/O edge of `vmdesk doctor` and the app's health panel: probes the host (fresh, not cached) and builds the report.
import { readFile } from 'node:fs/promises';
import { probeHost } from './fingerprint';
import { doctorReport, type DoctorJson } from './doctor-report';

/** Probes this host and returns the doctor report (a superset of the shared DoctorReport). */
export async function runDoctor(env: NodeJS.ProcessEnv = process.env): Promise<DoctorJson> {
  const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return doctorReport(await probeHost(env), osRelease);
}
