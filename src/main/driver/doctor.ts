// I/O edge of `vmdesk doctor`: fingerprints the host (the QEMU probes from the fingerprint cache unless `refresh`,
// which probes again and rewrites it) and builds the report.
import { readFile } from 'node:fs/promises';
import { probeHost } from './fingerprint';
import { fingerprintCacheFile } from './fingerprint-cache';
import { doctorReport, type DoctorJson } from './doctor-report';

/** Fingerprints this host and returns the doctor report (a superset of the shared DoctorReport). */
export async function runDoctor(env: NodeJS.ProcessEnv = process.env, opts: { refresh?: boolean } = {}): Promise<DoctorJson> {
  const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return doctorReport(await probeHost(env, process.platform, { cacheFile: fingerprintCacheFile(env), refresh: opts.refresh === true }), osRelease);
}
