// The hardware task options beside Nomad's (issue #13): firmware, secure_boot, tpm, drives, boot. Their
// schemas (untrusted input) and the normalisation parseTask applies. All optional; absent means the old
// behaviour (SeaBIOS, no TPM, only the image, boot from the disk).
import { z } from 'zod';
import { coercedBoolean, strictObject } from './schema-helpers';

/** System firmware a task can ask for. */
export const FIRMWARES = ['bios', 'uefi'] as const;
/** What a task boots from. */
export const BOOT_DEVICES = ['disk', 'cdrom'] as const;
/** Media of an extra drive. */
export const DRIVE_MEDIA = ['disk', 'cdrom'] as const;
/** Interfaces an extra drive can use (a cdrom: ide or scsi; virtio-blk has no removable media). */
export const EXTRA_DRIVE_INTERFACES = ['ide', 'virtio', 'scsi'] as const;
/** Most extra drives one task may attach. */
export const DRIVES_MAX = 8;

/** System firmware. */
export type Firmware = (typeof FIRMWARES)[number];
/** Boot device. */
export type BootDevice = (typeof BOOT_DEVICES)[number];
/** An extra drive's interface. */
export type ExtraDriveInterface = (typeof EXTRA_DRIVE_INTERFACES)[number];

/** One extra drive as the task writes it (and as the planner gets it, after normalisation). */
export interface TaskDrive {
  path: string;
  media: (typeof DRIVE_MEDIA)[number];
  interface?: ExtraDriveInterface;
  /** An image format the file must have (checked against what vmdesk reads from the file). */
  format?: string;
  read_only?: boolean;
}

const pathText = z
  .string()
  .max(4096, { error: 'must be at most 4096 characters' })
  .refine((s) => s.trim() !== '', { error: 'path must be set (a disk image or ISO file, relative to the task file)' })
  .refine((s) => !s.includes('\0'), { error: 'must not contain a NUL byte' });

const oneOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: (iss) => `${what} must be ${values.map((v) => `"${v}"`).join(' or ')}${iss.input === undefined ? '' : `, not ${JSON.stringify(iss.input)}`}` });

/** One entry of `config.drives`. */
export const driveSchema = strictObject({
  path: pathText,
  media: oneOf(DRIVE_MEDIA, 'media').optional(),
  interface: oneOf(EXTRA_DRIVE_INTERFACES, 'interface').optional(),
  format: z.string().regex(/^[a-z0-9_]{1,16}$/, { error: 'format is an image format name such as raw or qcow2' }).optional(),
  read_only: coercedBoolean.optional(),
});

/** The hardware keys of `config` (spread into taskConfigSchema). */
export const hardwareConfigShape = {
  firmware: oneOf(FIRMWARES, 'firmware').optional(),
  secure_boot: coercedBoolean.optional(),
  tpm: coercedBoolean.optional(),
  drives: z.array(driveSchema).max(DRIVES_MAX, { error: `at most ${DRIVES_MAX} extra drives` }).optional(),
  boot: oneOf(BOOT_DEVICES, 'boot').optional(),
};

/** The hardware part of a normalised task's config: only the keys the task set. */
export interface HardwareConfig {
  firmware?: Firmware;
  secure_boot?: boolean;
  tpm?: boolean;
  drives?: TaskDrive[];
  boot?: BootDevice;
}

type Parsed = { firmware?: Firmware; secure_boot?: boolean; tpm?: boolean; drives?: Array<z.output<typeof driveSchema>>; boot?: BootDevice };

/** Checks how the hardware options fit together and returns the keys set (media defaults to disk), or a field error. Pure. */
export function normaliseHardware(c: Parsed): { ok: true; value: HardwareConfig } | { ok: false; field: string; message: string } {
  const fail = (field: string, message: string) => ({ ok: false as const, field, message });
  if (c.secure_boot && c.firmware !== 'uefi') {
    return fail('config.secure_boot', 'secure_boot needs firmware "uefi" (Secure Boot is a UEFI feature); set "firmware": "uefi"');
  }
  const drives: TaskDrive[] = (c.drives ?? []).map((d) => ({
    path: d.path,
    media: d.media ?? 'disk',
    ...(d.interface !== undefined ? { interface: d.interface } : {}),
    ...(d.format !== undefined ? { format: d.format } : {}),
    ...(d.read_only !== undefined ? { read_only: d.read_only } : {}),
  }));
  for (const [i, d] of drives.entries()) {
    if (d.media === 'cdrom' && d.interface === 'virtio') {
      return fail(`config.drives.${i}.interface`, `drives[${i}]: a cdrom cannot use interface "virtio" (virtio-blk has no removable media); use "ide" or "scsi"`);
    }
    if (d.media === 'cdrom' && d.read_only === false) {
      return fail(`config.drives.${i}.read_only`, `drives[${i}]: a cdrom is always read-only; drop "read_only": false or use media "disk"`);
    }
  }
  if (c.boot === 'cdrom' && !drives.some((d) => d.media === 'cdrom')) {
    return fail('config.boot', 'boot "cdrom" needs a drive with "media": "cdrom" in drives (the ISO to boot)');
  }
  return {
    ok: true,
    value: {
      ...(c.firmware !== undefined ? { firmware: c.firmware } : {}),
      ...(c.secure_boot !== undefined ? { secure_boot: c.secure_boot } : {}),
      ...(c.tpm !== undefined ? { tpm: c.tpm } : {}),
      ...(c.drives !== undefined ? { drives } : {}),
      ...(c.boot !== undefined ? { boot: c.boot } : {}),
    },
  };
}
