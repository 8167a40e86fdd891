// The driver config: the operator's settings that bound what tasks may do (Nomad's plugin "qemu" block).
import { z } from 'zod';
import { parseWith, strictObject } from './schema-helpers';

/** The operator's driver settings. */
export interface DriverConfig {
  /** Directories (besides the task's own) from which images may be used. */
  image_paths: string[];
  /** Allowed QEMU options in `args`; empty allows all (as in Nomad). */
  args_allowlist: string[];
  /**
   * Options of `args_allowlist` that load host configuration or code (-readconfig, -plugin, -option-rom,
   * -dtb) and that the operator allows all the same; with an allowlist, those not named here are refused.
   */
  args_loader_allowlist?: string[];
  /** Allowed emulators (normalised, `qemu-system-` stripped); empty allows all. */
  emulators_allowlist: string[];
  /** Host address that port forwards listen on. */
  port_bind_address: string;
  /** Largest artifact download, and largest unpacked archive, in bytes (a decompression bomb stops here). */
  artifact_max_bytes?: number;
}

/** The default artifact_max_bytes: 64 GiB, generous for any disk image. */
export const ARTIFACT_MAX_BYTES_DEFAULT = 64 * 1024 ** 3;

/** Defaults: forwards on loopback, no extra image paths, no restriction on args or emulators. */
export const DEFAULT_DRIVER_CONFIG: DriverConfig = {
  image_paths: [],
  args_allowlist: [],
  args_loader_allowlist: [],
  emulators_allowlist: [],
  port_bind_address: '127.0.0.1',
};

const pathString = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => !s.includes('\0'), { error: 'must not contain a NUL byte' })
  .refine((s) => s.startsWith('/'), { error: 'must be an absolute path (such as /srv/images)' });

/** Schema of the driver config as stored in settings.json (key `driver`) or a --driver-config file. */
export const driverConfigSchema = strictObject({
  image_paths: z.array(pathString).max(64).optional(),
  args_allowlist: z.array(z.string().max(128)).max(1024).optional(),
  args_loader_allowlist: z.array(z.enum(['-readconfig', '-plugin', '-option-rom', '-dtb'])).max(4).optional(),
  emulators_allowlist: z.array(z.string().max(64)).max(64).optional(),
  port_bind_address: z
    .string()
    .refine((s) => z.ipv4().safeParse(s).success || z.ipv6().safeParse(s).success, {
      error: 'port_bind_address must be an IP address (such as 127.0.0.1)',
    })
    .optional(),
  artifact_max_bytes: z
    .number({ error: 'artifact_max_bytes must be a number of bytes' })
    .int({ error: 'artifact_max_bytes must be a whole number of bytes' })
    .min(1024, { error: 'artifact_max_bytes must be at least 1024 bytes' })
    .optional(),
});

/** Parses an untrusted driver config; fills defaults. */
export function parseDriverConfig(
  input: unknown,
): { ok: true; config: DriverConfig } | { ok: false; field: string; message: string } {
  const r = parseWith(driverConfigSchema, input ?? {});
  if (!r.ok) return r;
  return { ok: true, config: { ...DEFAULT_DRIVER_CONFIG, ...stripUndefined(r.value) } };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
