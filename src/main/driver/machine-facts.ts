// What vmdesk knows about machine types without asking QEMU: which x86 machines lack an SD or MTD slot or a
// built-in SCSI controller. Verified with QEMU 7.2: `-machine pc -drive if=sd|mtd|scsi` fails with
// "machine type does not support if=...". Other machines are trusted to have what their board provides.

const X86_EMULATORS = new Set(['x86_64', 'i386']);

/** True for the x86 PC machine families: pc, pc-i440fx-*, pc-q35-*, q35, isapc, microvm, xenpv/xenfv. */
export function isX86PcMachine(emulator: string, machineType: string): boolean {
  return X86_EMULATORS.has(emulator) && /^(pc|q35|isapc|microvm|xenfv|xenpv|pc-.*)$/.test(machineType);
}

/** Largest system firmware an x86 PC machine maps from pflash (QEMU 7.2 hw/i386/pc_sysfw.c). */
export const X86_PFLASH_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Why a drive interface cannot work on this machine with an image of `imageBytes`, or undefined when vmdesk
 * knows no reason. On x86 PC machines, if=pflash maps the image as the system firmware: QEMU 7.2 refuses
 * more than 8 MiB ("combined size of system firmware exceeds") and sizes that are not whole 4 KiB sectors.
 */
export function driveInterfaceProblem(emulator: string, machineType: string, drive: string, imageBytes?: number): string | undefined {
  if (!isX86PcMachine(emulator, machineType)) return undefined;
  if (drive === 'sd' || drive === 'mtd') {
    return `Unsupported drive_interface "${drive}" on machine_type "${machineType}": x86 PC machines have no ${drive === 'sd' ? 'SD card slot' : 'MTD flash'}; use ide, virtio or scsi`;
  }
  if (drive === 'pflash' && imageBytes !== undefined && (imageBytes > X86_PFLASH_MAX_BYTES || imageBytes % 4096 !== 0)) {
    return (
      `drive_interface "pflash" on machine_type "${machineType}" loads the image as the system firmware (BIOS/UEFI code), ` +
      `which must be a multiple of 4 KiB and at most 8 MiB (this image is ${imageBytes} bytes); for a disk use ide, virtio or scsi`
    );
  }
  return undefined;
}

/**
 * True when `-drive if=scsi` needs an explicit controller: x86 PC machines stopped creating one for if=scsi
 * (QEMU 7.2: "machine type does not support if=scsi"), so vmdesk adds a virtio-scsi-pci controller.
 */
export function needsScsiController(emulator: string, machineType: string): boolean {
  return isX86PcMachine(emulator, machineType);
}
