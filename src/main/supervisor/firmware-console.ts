// What UEFI firmware reports on the serial console that vmdesk turns into an event. OVMF's boot manager
// prints one line per boot option it tries (MdeModulePkg BdsDxe, BmBoot.c):
//   BdsDxe: failed to load Boot0002 "UEFI QEMU HARDDISK QM00001 " from PciRoot(...): Access Denied
// "Access Denied" there is Secure Boot refusing an image that no key in db signs. Pure.

const REFUSED = /BdsDxe: failed to load (Boot[0-9A-Fa-f]{4}) "([^"]*)" from \S+: Access Denied/;

/** The Secure Boot refusal in `text` (console output), as the message vmdesk reports, or undefined. */
export function secureBootRefusal(text: string): string | undefined {
  const m = REFUSED.exec(text);
  if (!m) return undefined;
  return (
    `Secure Boot refused to start the boot loader of ${m[1]} ("${m[2]!.trim()}"): the firmware reported "Access Denied", ` +
    'so it is not signed by a key the firmware trusts (unsigned or self-signed). Sign it (shim + a signed GRUB or kernel), enroll its key, or set "secure_boot": false'
  );
}

// SeaBIOS (src/boot.c, boot_fail) prints "No bootable device." and retries every 60 s; OVMF's BdsDxe prints
// "BdsDxe: No bootable option or device was found." and drops to its boot manager. Both reach the serial
// console because vmdesk runs QEMU with -nographic (SeaBIOS's sercon).
const NO_BOOT = /No bootable device\.|BdsDxe: No bootable option or device was found/;

/** The firmware's "no bootable device" in `text` (console output), as the message vmdesk reports, or undefined. */
export function noBootableDevice(text: string): string | undefined {
  if (!NO_BOOT.test(text)) return undefined;
  return (
    'the firmware found nothing to boot ("No bootable device"): QEMU runs, but the guest never started. ' +
    'Check that the image is a bootable disk (a boot sector or an EFI system partition), that boot_order names it, ' +
    'and that the firmware matches the image (BIOS or UEFI)'
  );
}
