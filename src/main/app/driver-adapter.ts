// The app's view of the driver: the doctor report (src/shared/doctor.ts shape), live validation of a task
// from the form, and image inspection for the form.
import { readFile, realpath, stat } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { hostMemoryWarning } from './host-memory';
import type { DoctorReport } from '../../shared/doctor';
import type { DriverConfig } from '../../shared/driver-config';
import { VmdeskError } from '../../shared/errors';
import type { ValidationResult } from '../../shared/ipc-contract';
import type { ImageInfo } from '../../shared/plan';
import { parseTask } from '../../shared/task';
import { toErrorData } from '../../shared/errors';
import { doctorReport } from '../driver/doctor-report';
import { probeHost } from '../driver/fingerprint';
import { inspectImage, resolveAllowedPlaces } from '../driver/image-inspect';
import { planTask } from '../driver/prepare';
import { rawBootWarning, readRawHead } from '../driver/raw-boot-check';

/** Probes the host now (not cached: the health panel should show a QEMU installed since the app started). */
export async function runDoctor(env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return doctorReport(await probeHost(env), osRelease);
}

/**
 * Validates a task exactly as `vmdesk plan` would (schema, then the driver against the driver config) and
 * returns the command line preview, or the first error with its field. Never starts anything.
 */
export async function validateTaskForForm(
  input: unknown,
  opts: { taskDir: string; home: string; driverConfig: DriverConfig; env?: NodeJS.ProcessEnv; hostMemoryBytes?: number },
): Promise<ValidationResult> {
  const parsed = parseTask(input);
  if (!parsed.ok) return { ok: false, error: { code: 'INVALID_TASK', message: parsed.message, field: parsed.field } };
  try {
    const plan = await planTask(parsed.task, opts.taskDir, {
      driverConfig: opts.driverConfig,
      home: opts.home,
      ...(opts.env ? { env: opts.env } : {}),
    });
    const boot = await bootWarning(plan.image.path, plan.image.format, parsed.task.config.args);
    const memory = hostMemoryWarning(parsed.task.resources.memory, opts.hostMemoryBytes ?? totalmem());
    const extra = [boot, memory].filter((w): w is string => w !== undefined);
    return { ok: true, binary: plan.binary, argv: plan.argv, ports: plan.ports, warnings: [...plan.warnings, ...extra] };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}

/** The raw-image boot check (raw-boot-check.ts), unless args boot a kernel directly; never throws. */
export async function bootWarning(path: string, format: string, args: readonly string[]): Promise<string | undefined> {
  if (format !== 'raw' || args.includes('-kernel')) return undefined;
  try {
    const info = await stat(path);
    if (!info.isFile()) return undefined;
    return rawBootWarning(await readRawHead(path), info.size, path);
  } catch {
    return undefined;
  }
}

/** Inspects an image the form picked, with the driver's checks (its backing files must be allowed too). */
export async function inspectImageForForm(path: string, opts: { taskDir: string; driverConfig: DriverConfig }): Promise<ImageInfo> {
  const real = await realpath(path).catch(() => undefined);
  if (!real) throw new VmdeskError('IMAGE_NOT_FOUND', `${path} does not exist`, 'config.image_path');
  const places = await resolveAllowedPlaces(opts.taskDir, opts.driverConfig.image_paths);
  return inspectImage(real, places);
}
