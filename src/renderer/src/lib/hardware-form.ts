// The form's Firmware and Drives sections: their state and the pure conversions to and from a task's
// config (firmware, secure_boot, tpm, drives, boot). Keys the user left at their defaults are not written,
// so a task without hardware options stays exactly as it was.

/** Firmware choice as the form shows it. */
export type FirmwareChoice = 'bios' | 'uefi' | 'uefi-secure';

/** One row of the drives list. */
export interface DriveRow {
  id: number;
  path: string;
  media: 'disk' | 'cdrom';
  /** '' = the default for the media. */
  interface: '' | 'ide' | 'virtio' | 'scsi';
  readOnly: boolean;
}

/** The hardware part of the form. */
export interface HardwareForm {
  firmware: FirmwareChoice;
  tpm: boolean;
  drives: DriveRow[];
  bootCdrom: boolean;
}

/** The hardware keys of a task file's config, loosely typed like the rest of TaskFileJson. */
export interface HardwareConfigJson {
  firmware?: string;
  secure_boot?: boolean | string;
  tpm?: boolean | string;
  drives?: Array<{ path?: string; media?: string; interface?: string; format?: string; read_only?: boolean | string }>;
  boot?: string;
}

let nextDriveId = 1;
/** A fresh drive row. */
export function newDriveRow(media: DriveRow['media'] = 'disk', path = ''): DriveRow {
  return { id: nextDriveId++, path, media, interface: '', readOnly: false };
}

/** Defaults: BIOS, no TPM, no drives, boot from the disk. */
export function emptyHardware(): HardwareForm {
  return { firmware: 'bios', tpm: false, drives: [], bootCdrom: false };
}

const truthy = (v: unknown) => v === true || v === 'true';

/** The config keys for the form's hardware (only what differs from the defaults). */
export function hardwareToConfig(h: HardwareForm): HardwareConfigJson {
  const drives = h.drives
    .filter((d) => d.path.trim() !== '' || d.interface !== '' || d.readOnly)
    .map((d) => ({
      path: d.path.trim(),
      media: d.media,
      ...(d.interface ? { interface: d.interface } : {}),
      ...(d.readOnly && d.media === 'disk' ? { read_only: true } : {}),
    }));
  return {
    ...(h.firmware !== 'bios' ? { firmware: 'uefi' } : {}),
    ...(h.firmware === 'uefi-secure' ? { secure_boot: true } : {}),
    ...(h.tpm ? { tpm: true } : {}),
    ...(drives.length ? { drives } : {}),
    ...(h.bootCdrom ? { boot: 'cdrom' } : {}),
  };
}

/** The form's hardware for a saved config. */
export function hardwareFromConfig(c: HardwareConfigJson): HardwareForm {
  const firmware: FirmwareChoice = c.firmware === 'uefi' ? (truthy(c.secure_boot) ? 'uefi-secure' : 'uefi') : 'bios';
  return {
    firmware,
    tpm: truthy(c.tpm),
    drives: (c.drives ?? []).map((d) => ({
      ...newDriveRow(d.media === 'cdrom' ? 'cdrom' : 'disk', d.path ?? ''),
      interface: d.interface === 'ide' || d.interface === 'virtio' || d.interface === 'scsi' ? d.interface : '',
      readOnly: truthy(d.read_only),
    })),
    bootCdrom: c.boot === 'cdrom',
  };
}

/** The form field of a hardware error's dotted path, or undefined when it is not a hardware field. */
export function hardwareField(field: string): 'firmware' | 'tpm' | 'bootCdrom' | 'drives' | `drive:${number}` | undefined {
  if (/^config\.(firmware|secure_boot)$/.test(field)) return 'firmware';
  if (field === 'config.tpm') return 'tpm';
  if (field === 'config.boot') return 'bootCdrom';
  const drive = /^config\.drives\.(\d+)(\..*)?$/.exec(field);
  if (drive) return `drive:${Number(drive[1])}`;
  if (field === 'config.drives') return 'drives';
  return undefined;
}

/** The Overview's rows for a task's hardware: firmware, TPM, each extra drive, the boot device. */
export function hardwareRows(c: HardwareConfigJson): Array<[string, string]> {
  const uefi = c.firmware === 'uefi';
  return [
    ['Firmware', uefi ? (truthy(c.secure_boot) ? 'UEFI with Secure Boot (OVMF)' : 'UEFI (OVMF)') : 'BIOS (SeaBIOS)'],
    ['TPM', truthy(c.tpm) ? 'TPM 2.0 (swtpm)' : 'none'],
    ...(c.drives ?? []).map((d, i): [string, string] => [
      `Drive ${i + 1}`,
      `${d.media === 'cdrom' ? 'ISO' : 'disk'} ${d.path ?? ''}${d.interface ? ` on ${d.interface}` : ''}${truthy(d.read_only) ? ', read-only' : ''}`,
    ]),
    ['Boot', c.boot === 'cdrom' ? 'CD (the first ISO)' : 'disk'],
  ];
}
