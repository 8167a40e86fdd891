// Builds a small Linux guest image from the host's Debian packages (GUEST-IMAGE.md): an initramfs (static
// busybox, kernel modules with their dependencies, qemu-ga with its libraries, the spec's files and /init)
// and FAT disks booted by syslinux. No root, no loop devices, nothing downloaded. The demo image (the app's
// first run) and the test guest (test/guest/build-guest.mjs) are two specs for this one builder.
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { VmdeskError } from '../../shared/errors';
import { findGuestInputs, runTool, type GuestInputs } from './host-inputs';

const gzip = promisify(gzipCb);

/** Kernel modules a vmdesk guest needs: virtio PCI, net (virtio and e1000), the ACPI button and its input events, the virtio console (qemu-ga) and disk. */
export const GUEST_MODULES: readonly string[] = ['virtio_pci', 'virtio_net', 'e1000', 'button', 'evdev', 'virtio_console', 'virtio_blk'];

/** What makes one guest: its modules, /init, other files, and the disks (each with its kernel command line). */
export interface GuestImageSpec {
  /** Kernel modules to load at boot; their dependencies are added (modinfo). */
  modules: readonly string[];
  /** The /init script, given the kernel version and the module files in load order. */
  init: (kernelVersion: string, moduleFiles: readonly string[]) => string;
  /** Other initramfs files: path relative to / → content (and whether it is executable). */
  files: Record<string, { content: string; executable?: boolean }>;
  /** Disks to write into the output directory: file name → what to append to the kernel command line. */
  disks: Record<string, string>;
}

/** Progress callback: step label, steps done, steps in all. */
export type BuildProgress = (step: string, done: number, total: number) => void;

const DIRS = ['bin', 'sbin', 'dev', 'proc', 'sys', 'tmp', 'run', 'root', 'var/log', 'var/run', 'www', 'usr/sbin'];

/** syslinux.cfg booting the kernel and initramfs with the serial console (plus `extra`). Pure. */
export function syslinuxConfig(extra = ''): string {
  return `DEFAULT vmdesk\nPROMPT 0\nTIMEOUT 0\nLABEL vmdesk\n  KERNEL vmlinuz\n  INITRD initrd.gz\n  APPEND console=ttyS0 panic=-1 quiet${extra}\n`;
}

/** Builds every disk of `spec` into `outDir` (each atomically: a temp file renamed into place). */
export async function buildGuestImage(spec: GuestImageSpec, outDir: string, onProgress: BuildProgress = () => {}): Promise<{ disks: Record<string, string>; inputs: GuestInputs }> {
  const total = 6;
  onProgress('Checking the host for the packages the build needs', 0, total);
  const inputs = await findGuestInputs();
  const work = await mkdtemp(join(tmpdir(), 'vmdesk-guest-'));
  try {
    const rootfs = join(work, 'rootfs');
    onProgress('Copying busybox and the guest agent', 1, total);
    await copyUserland(inputs, rootfs);
    onProgress('Collecting kernel modules', 2, total);
    const moduleFiles = await copyModules(inputs, spec.modules, rootfs);
    onProgress('Writing the init script and the guest files', 3, total);
    for (const [path, f] of Object.entries(spec.files)) {
      await mkdir(dirname(join(rootfs, path)), { recursive: true });
      await writeFile(join(rootfs, path), f.content, { mode: f.executable ? 0o755 : 0o644 });
    }
    await writeFile(join(rootfs, 'init'), spec.init(inputs.kernelVersion, moduleFiles), { mode: 0o755 });
    onProgress('Packing the initramfs', 4, total);
    const files = await runTool(inputs.tools.find, ['.', '-mindepth', '1'], { cwd: rootfs });
    const archive = Buffer.from(await runTool(inputs.tools.cpio, ['-o', '-H', 'newc', '--quiet'], { cwd: rootfs, input: files }), 'latin1');
    const initrd = join(work, 'initrd.gz');
    await writeFile(initrd, await gzip(archive, { level: 6 }));
    onProgress('Making the bootable disk', 5, total);
    await mkdir(outDir, { recursive: true, mode: 0o700 });
    const disks: Record<string, string> = {};
    for (const [file, extra] of Object.entries(spec.disks)) disks[file] = await makeDisk(inputs, work, initrd, file, extra, outDir);
    onProgress('Done', total, total);
    return { disks, inputs };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Busybox with a symlink per applet, and qemu-ga with the shared libraries ldd names. */
async function copyUserland(inputs: GuestInputs, rootfs: string): Promise<void> {
  for (const d of [...DIRS, `lib/modules/${inputs.kernelVersion}`]) await mkdir(join(rootfs, d), { recursive: true });
  await copyFile(inputs.busybox, join(rootfs, 'bin/busybox'));
  await chmod(join(rootfs, 'bin/busybox'), 0o755);
  // `busybox --list` includes "busybox" itself: a symlink with that name over the binary loops (ELOOP).
  const applets = (await runTool(inputs.busybox, ['--list'])).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) await symlink('busybox', join(rootfs, 'bin', a));
  await copyFile(inputs.qemuGa, join(rootfs, 'usr/sbin/qemu-ga'));
  await chmod(join(rootfs, 'usr/sbin/qemu-ga'), 0o755);
  for (const line of (await runTool(inputs.tools.ldd, [inputs.qemuGa])).split('\n')) {
    const lib = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1];
    if (!lib) continue;
    await mkdir(join(rootfs, dirname(lib)), { recursive: true });
    await copyFile(lib, join(rootfs, lib));
  }
}

/** The modules and their dependencies, in load order (`modinfo -F depends`); returns the .ko file names. */
async function copyModules(inputs: GuestInputs, modules: readonly string[], rootfs: string): Promise<string[]> {
  const { kernelVersion, tools } = inputs;
  const order: string[] = [];
  const visit = async (name: string): Promise<void> => {
    if (order.includes(name)) return;
    const deps = (await runTool(tools.modinfo, ['-k', kernelVersion, '-F', 'depends', name])).trim();
    for (const d of deps ? deps.split(',') : []) await visit(d.trim());
    order.push(name);
  };
  for (const m of modules) await visit(m);
  const moduleFiles: string[] = [];
  for (const name of order) {
    const file = (await runTool(tools.modinfo, ['-k', kernelVersion, '-n', name])).trim();
    if (file === '(builtin)' || file === '') continue;
    if (!file.endsWith('.ko')) throw new VmdeskError('INTERNAL', `guest image: kernel module ${name} is compressed (${file}); this builder needs plain .ko files`);
    await copyFile(file, join(rootfs, 'lib/modules', kernelVersion, `${name}.ko`));
    moduleFiles.push(`${name}.ko`);
  }
  return moduleFiles;
}

/** One 40 MiB FAT disk with the kernel, the initramfs and syslinux, renamed into `outDir` when complete. */
async function makeDisk(inputs: GuestInputs, work: string, initrd: string, file: string, extraCmdline: string, outDir: string): Promise<string> {
  const { tools } = inputs;
  const disk = join(work, file);
  await runTool(tools.mkfsVfat, ['-C', disk, '40960']);
  const cfg = join(work, `syslinux-${file}.cfg`);
  await writeFile(cfg, syslinuxConfig(extraCmdline));
  await runTool(tools.mcopy, ['-i', disk, inputs.kernel, '::vmlinuz']);
  await runTool(tools.mcopy, ['-i', disk, initrd, '::initrd.gz']);
  await runTool(tools.mcopy, ['-i', disk, cfg, '::syslinux.cfg']);
  await runTool(tools.syslinux, ['--install', disk]);
  const target = join(outDir, file);
  const temp = `${target}.tmp-${process.pid}`;
  await copyFile(disk, temp);
  await rename(temp, target);
  return target;
}
