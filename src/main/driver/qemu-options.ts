// What vmdesk knows about QEMU's own command line options (QEMU 7.2, qemu-options.hx): which options take
// no argument, and which options name host files. Used to tell option values from positional tokens: QEMU
// reads a positional token as the first hard disk image (like -hda), so a stray one reaches a host file.

/** Options declared without HAS_ARG in qemu-options.hx (7.2), plus removed ones older guides still use. */
export const QEMU_FLAG_OPTIONS: ReadonlySet<string> = new Set([
  '-h', '-help', '-version', '-S', '-s', '-snapshot', '-nographic', '-nodefaults', '-no-user-config',
  '-enable-kvm', '-no-reboot', '-no-shutdown', '-daemonize', '-only-migratable', '-mem-prealloc',
  '-audio-help', '-usb', '-portrait', '-full-screen', '-win2k-hack', '-no-fd-bootchk', '-no-acpi',
  '-no-hpet', '-singlestep', '-preconfig', '-xen-attach', '-xen-domid-restrict', '-enable-sync-profile',
  '-async-teardown', '-curses', '-sdl', '-semihosting', '-old-param', '-no-quit', '-alt-grab', '-ctrl-grab',
  '-no-frame', '-enable-fips', '-nodefconfig', '-no-kvm', '-no-kvm-irqchip', '-no-kvm-pit',
  '-no-kvm-pit-reinjection', '-tdf', '-show-cursor', '-rtc-td-hack', '-no-quit',
]);

/** Options whose argument is, or may contain, a host file name (path=, file=, a bare path). */
export const QEMU_FILE_OPTIONS: ReadonlySet<string> = new Set([
  '-drive', '-blockdev', '-hda', '-hdb', '-hdc', '-hdd', '-cdrom', '-fda', '-fdb', '-pflash', '-mtdblock',
  '-sd', '-kernel', '-initrd', '-bios', '-dtb', '-L', '-readconfig', '-chardev', '-serial', '-parallel',
  '-monitor', '-qmp', '-qmp-pretty', '-mon', '-debugcon', '-virtfs', '-fsdev', '-add-fd', '-object',
  '-device', '-netdev', '-nic', '-net', '-option-rom', '-acpitable', '-smbios', '-fw_cfg', '-mem-path',
  '-pidfile', '-loadvm', '-incoming', '-D', '-trace', '-plugin', '-chroot', '-runas', '-tpmdev', '-audiodev',
]);

/** `--x` counts as `-x` (QEMU accepts both spellings); surrounding white space is ignored. */
export function normaliseOption(token: string): string {
  const t = token.trim();
  return t.startsWith('--') ? t.slice(1) : t;
}
