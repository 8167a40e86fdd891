// Where the test guest built by test/guest/build-guest.mjs lives, and the markers it prints.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding the built guest (`.cache/guest`, or $VMDESK_GUEST_DIR). */
export const guestDir = process.env.VMDESK_GUEST_DIR ?? resolve(fileURLToPath(new URL('../..', import.meta.url)), '.cache', 'guest');

/** The normal guest disk: powers off on the ACPI power button. */
export const guestDisk = join(guestDir, 'disk.img');
/** The same guest, but its acpid ignores the power button (prints `markers.powerButtonIgnored`). */
export const guestDiskNoPower = join(guestDir, 'disk-nopower.img');

/** The same guest with a VGA text console: a shell on tty1 (screen + keyboard), `markers.vgaTick` on the screen. */
export const guestDiskVga = join(guestDir, 'disk-vga.img');
/** The same guest on an ISO 9660 image booted by ISOLINUX (for boot: "cdrom"). */
export const guestIso = join(guestDir, 'boot.iso');
/** The same guest on a UEFI system partition: GRUB (unsigned) as \EFI\BOOT\BOOTX64.EFI, for firmware: "uefi". */
export const guestEsp = join(guestDir, 'uefi.img');

/** Console markers and the HTTP page body, as the builder wrote them into guest.json. */
export interface GuestMarkers {
  ready: string;
  tick: string;
  powerButtonIgnored: string;
  httpBody: string;
  vgaTick: string;
}

/** Reads guest.json; throws with the command to run when the guest was not built. */
export function guestMarkers(): GuestMarkers {
  const meta = join(guestDir, 'guest.json');
  if (!existsSync(meta) || !existsSync(guestDisk)) {
    throw new Error(`the test guest is not built: run \`node test/guest/build-guest.mjs\` (looked in ${guestDir})`);
  }
  return (JSON.parse(readFileSync(meta, 'utf8')) as { markers: GuestMarkers }).markers;
}
