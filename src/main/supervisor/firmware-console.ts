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
