// What vmdesk knows about machine types without asking QEMU: which x86 machines lack an SD or MTD slot or a
// built-in SCSI controller. Verified with QEMU 7.2: `-machine pc -drive if=sd|mtd|scsi` fails with
// "machine type does not support if=...". Other machines are trusted to have what their board provides.

const X86_EMULATORS = new Set(['x86_64', 'i386']);

/** True for the x86 PC machine families: pc, pc-i440fx-*, pc-q35-*, q35, isapc, microvm, xenpv/xenfv. */
export function isX86PcMachine(emulator: string, machineType: string): boolean {
  return X86_EMULATORS.has(emulator) && /^(pc|q35|isapc|microvm|xenfv|xenpv|pc-.*)$/.test(machineType);
}

/** Why a drive interface cannot work on this machine, or undefined when vmdesk knows no reason. */
export function driveInterfaceProblem(emulator: string, machineType: string, drive: string): string | undefined {
  if ((drive === 'sd' || drive === 'mtd') && isX86PcMachine(emulator, machineType)) {
    return `Unsupported drive_interface "${drive}" on machine_type "${machineType}": x86 PC machines have no ${drive === 'sd' ? 'SD card slot' : 'MTD flash'}; use ide, virtio or scsi`;
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
