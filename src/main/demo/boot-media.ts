// Builds other boot media for a guest made by guest-image.ts, from the same kernel and initramfs (read back
// from its FAT disk with mtools): an ISO 9660 image booted by ISOLINUX (El Torito, for `boot: "cdrom"`), and
// a UEFI system partition (FAT, no partition table) whose \EFI\BOOT\BOOTX64.EFI is GRUB (Debian's
// grub-efi-amd64-bin, unsigned: Secure Boot refuses it). All from Debian packages, no root, no loop devices.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import { runTool } from './host-inputs';
import { syslinuxConfig } from './guest-image';

const ISOLINUX_BIN = '/usr/lib/ISOLINUX/isolinux.bin';
const LDLINUX_C32 = '/usr/lib/syslinux/modules/bios/ldlinux.c32';
const GRUB_EFI_DIR = '/usr/lib/grub/x86_64-efi';

/** Tools and files the boot media need, with the Debian package of each. */
const NEEDS: Array<{ path?: string; tool?: string; pkg: string }> = [
  { tool: 'genisoimage', pkg: 'genisoimage' },
  { tool: 'grub-mkstandalone', pkg: 'grub-common' },
  { tool: 'mcopy', pkg: 'mtools' },
  { tool: 'mmd', pkg: 'mtools' },
  { tool: 'mkfs.vfat', pkg: 'dosfstools' },
  { path: ISOLINUX_BIN, pkg: 'isolinux' },
  { path: LDLINUX_C32, pkg: 'syslinux-common' },
  { path: GRUB_EFI_DIR, pkg: 'grub-efi-amd64-bin' },
];

function findTool(tool: string): string | undefined {
  for (const dir of `${process.env.PATH ?? ''}:/usr/sbin:/sbin`.split(':')) if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  return undefined;
}

/** GRUB's configuration inside BOOTX64.EFI: the kernel and initramfs from the root of the ESP, the serial console. Pure. */
export function grubConfig(extra = ''): string {
  return `set timeout=0\nset root=(hd0)\necho "vmdesk: GRUB loading the kernel"\nlinux /vmlinuz console=ttyS0 panic=-1 quiet${extra}\ninitrd /initrd.gz\nboot\n`;
}

/** The outputs: file name -> absolute path. */
export interface BootMedia {
  iso: string;
  esp: string;
}

/**
 * Builds `isoName` and `espName` in `outDir` from the kernel and initramfs on `guestDisk` (each renamed
 * into place when complete). Throws one error listing every missing package.
 */
export async function buildBootMedia(guestDisk: string, outDir: string, names = { iso: 'boot.iso', esp: 'uefi.img' }): Promise<BootMedia> {
  const missing = [...new Set(NEEDS.filter((n) => (n.tool ? !findTool(n.tool) : !existsSync(n.path!))).map((n) => n.pkg))];
  if (missing.length) throw new VmdeskError('INTERNAL', `building the boot media needs these Debian packages: sudo apt-get install ${missing.join(' ')}`);
  const tool = (t: string) => findTool(t)!;
  const work = await mkdtemp(join(tmpdir(), 'vmdesk-media-'));
  try {
    await runTool(tool('mcopy'), ['-i', guestDisk, '::vmlinuz', '::initrd.gz', work]);
    const kernel = join(work, 'vmlinuz');
    const initrd = join(work, 'initrd.gz');

    // ISO: ISOLINUX as the El Torito boot image, the same kernel command line as the disk.
    const tree = join(work, 'iso');
    await mkdir(join(tree, 'isolinux'), { recursive: true });
    await copyFile(kernel, join(tree, 'vmlinuz'));
    await copyFile(initrd, join(tree, 'initrd.gz'));
    await copyFile(ISOLINUX_BIN, join(tree, 'isolinux', 'isolinux.bin'));
    await copyFile(LDLINUX_C32, join(tree, 'isolinux', 'ldlinux.c32'));
    await writeFile(join(tree, 'isolinux', 'isolinux.cfg'), syslinuxConfig().replace('KERNEL vmlinuz', 'KERNEL /vmlinuz').replace('INITRD initrd.gz', 'INITRD /initrd.gz'));
    const iso = join(work, names.iso);
    await runTool(tool('genisoimage'), ['-quiet', '-o', iso, '-V', 'VMDESK', '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '-J', '-R', tree]);

    // ESP: GRUB standalone (its config in its memdisk) as the removable-media boot loader.
    const cfg = join(work, 'grub.cfg');
    await writeFile(cfg, grubConfig());
    const efi = join(work, 'BOOTX64.EFI');
    await runTool(tool('grub-mkstandalone'), [
      '-O', 'x86_64-efi', '--install-modules=linux normal fat echo part_msdos part_gpt', '--modules=linux normal fat echo',
      '--locales=', '--themes=', '--fonts=', '-o', efi, `boot/grub/grub.cfg=${cfg}`,
    ]);
    const esp = join(work, names.esp);
    await runTool(tool('mkfs.vfat'), ['-C', esp, '40960']);
    await runTool(tool('mmd'), ['-i', esp, '::EFI', '::EFI/BOOT']);
    await runTool(tool('mcopy'), ['-i', esp, efi, '::EFI/BOOT/BOOTX64.EFI']);
    await runTool(tool('mcopy'), ['-i', esp, kernel, initrd, '::']);

    await mkdir(outDir, { recursive: true, mode: 0o700 });
    const out: BootMedia = { iso: join(outDir, names.iso), esp: join(outDir, names.esp) };
    for (const [from, to] of [[iso, out.iso], [esp, out.esp]] as const) {
      const temp = `${to}.tmp-${process.pid}`;
      await copyFile(from, temp);
      await rename(temp, to);
    }
    return out;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
