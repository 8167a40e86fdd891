// Builds the small demo Linux image from the host's Debian packages, the way the test guest is built
// (GUEST-IMAGE.md, test/guest/build-guest.mjs): an initramfs (busybox, kernel modules, qemu-ga, a web page)
// and a FAT disk booted by syslinux. No root, no loop devices, nothing downloaded. Runs under plain Node.
import { execFile as execFileCb } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { VmdeskError } from '../../shared/errors';
import type { TaskFile } from '../../shared/task';

const execFile = promisify(execFileCb);
const gzip = promisify(gzipCb);

/** What the demo guest prints on its console when it is ready, and what its web page says. */
export const DEMO_MARKERS = { ready: 'VMDESK-DEMO-READY', httpBody: 'Hello from the vmdesk demo VM' } as const;

/** Kernel modules the guest loads (with their dependencies, found by modinfo). */
export const DEMO_MODULES = ['virtio_pci', 'virtio_net', 'e1000', 'button', 'evdev', 'virtio_console', 'virtio_blk'];

/** Progress callback: step label, steps done, steps in all. */
export type DemoProgress = (step: string, done: number, total: number) => void;

/** Host files and tools the build needs, with the Debian package that provides each. */
export interface DemoInputs {
  kernelVersion: string;
  kernel: string;
  busybox: string;
  qemuGa: string;
  tools: { modinfo: string; syslinux: string; mcopy: string; mkfsVfat: string; cpio: string; ldd: string; find: string };
}

const TOOL_PACKAGES: Record<keyof DemoInputs['tools'], [string, string]> = {
  modinfo: ['modinfo', 'kmod'],
  syslinux: ['syslinux', 'syslinux'],
  mcopy: ['mcopy', 'mtools'],
  mkfsVfat: ['mkfs.vfat', 'dosfstools'],
  cpio: ['cpio', 'cpio'],
  ldd: ['ldd', 'libc-bin'],
  find: ['find', 'findutils'],
};

/** The /init script of the demo guest. Pure. */
export function demoInitScript(kernelVersion: string, moduleFiles: readonly string[]): string {
  return `#!/bin/sh
export PATH=/bin:/sbin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in ${moduleFiles.join(' ')}; do insmod /lib/modules/${kernelVersion}/$m 2>/dev/null; done
ip link set lo up
ip link set eth0 up 2>/dev/null
ip addr add 10.0.2.15/24 dev eth0 2>/dev/null
ip route add default via 10.0.2.2 2>/dev/null
httpd -p 80 -h /www
# busybox acpid needs /var/log (GUEST-IMAGE.md); the power button powers off, so graceful stop works.
acpid -c /etc/acpi -l /var/log/acpid.log
port=""
for p in /sys/class/virtio-ports/*; do
  [ -f "$p/name" ] && [ "$(cat $p/name)" = "org.qemu.guest_agent.0" ] && port="/dev/$(basename $p)"
done
[ -n "$port" ] && qemu-ga -m virtio-serial -p "$port" -f /run/qemu-ga.pid -d
echo "${DEMO_MARKERS.ready}: the demo VM is up; its web page is on guest port 80" > /dev/console
while true; do setsid sh -c 'exec sh -i </dev/ttyS0 >/dev/ttyS0 2>&1'; sleep 1; done
`;
}

/** syslinux.cfg of the demo disk. Pure. */
export function demoSyslinuxConfig(): string {
  return 'DEFAULT vmdesk\nPROMPT 0\nTIMEOUT 0\nLABEL vmdesk\n  KERNEL vmlinuz\n  INITRD initrd.gz\n  APPEND console=ttyS0 panic=-1 quiet\n';
}

/** The demo VM's task (relative image path: the task file lives next to the disk). Pure. */
export function demoTask(name: string): TaskFile {
  return {
    name,
    config: {
      image_path: 'disk.img',
      accelerator: 'tcg',
      graceful_shutdown: true,
      guest_agent: true,
      port_map: { http: 80 },
    },
    resources: { memory: 128, cores: 1 },
    ports: { http: 0 },
    kill_timeout: '10s',
  };
}

async function which(tool: string): Promise<string | undefined> {
  const path = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
  for (const dir of path.split(':')) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  }
  return undefined;
}

/** Finds what the build needs on this host, or says what to install (one error listing everything missing). */
export async function findDemoInputs(): Promise<DemoInputs> {
  const missing: string[] = [];
  const versions = existsSync('/lib/modules') ? (await readdir('/lib/modules')).filter((v) => existsSync(`/boot/vmlinuz-${v}`)).sort() : [];
  const kernelVersion = versions[versions.length - 1];
  if (!kernelVersion) missing.push('linux-image-amd64');
  if (!existsSync('/bin/busybox')) missing.push('busybox-static');
  if (!existsSync('/usr/sbin/qemu-ga')) missing.push('qemu-guest-agent');
  if (!existsSync('/usr/lib/syslinux/modules/bios/ldlinux.c32')) missing.push('syslinux-common');
  const tools: Partial<DemoInputs['tools']> = {};
  for (const [key, [tool, pkg]] of Object.entries(TOOL_PACKAGES) as Array<[keyof DemoInputs['tools'], [string, string]]>) {
    const found = await which(tool);
    if (found) tools[key] = found;
    else if (!missing.includes(pkg)) missing.push(pkg);
  }
  if (process.platform !== 'linux') {
    throw new VmdeskError('INTERNAL', 'the demo image is built from Linux packages; on this system, create a VM from an image file instead');
  }
  if (missing.length > 0) {
    throw new VmdeskError(
      'INTERNAL',
      `building the demo image needs these Debian packages: sudo apt-get install ${missing.join(' ')} (or create a VM from an image file instead)`,
    );
  }
  return {
    kernelVersion: kernelVersion!,
    kernel: `/boot/vmlinuz-${kernelVersion}`,
    busybox: '/bin/busybox',
    qemuGa: '/usr/sbin/qemu-ga',
    tools: tools as DemoInputs['tools'],
  };
}

async function run(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<string> {
  try {
    if (opts.input !== undefined) return await runWithInput(cmd, args, opts.input, opts.cwd);
    const r = await execFile(cmd, args, { cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return r.stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new VmdeskError('INTERNAL', `demo image: ${cmd} ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  }
}

function runWithInput(cmd: string, args: string[], input: string, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFileCb(cmd, args, { cwd, maxBuffer: 512 * 1024 * 1024, encoding: 'buffer' }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout.toString('latin1'));
    });
    child.stdin?.end(input);
  });
}

/**
 * Builds the demo disk into `outDir/disk.img` (atomically: a temp file renamed into place). About a second
 * on a typical machine; `onProgress` hears each step.
 */
export async function buildDemoImage(outDir: string, onProgress: DemoProgress = () => {}): Promise<{ disk: string }> {
  const total = 6;
  onProgress('Checking the host for the packages the build needs', 0, total);
  const inputs = await findDemoInputs();
  const { tools, kernelVersion } = inputs;
  const work = await mkdtemp(join(tmpdir(), 'vmdesk-demo-'));
  try {
    onProgress('Copying busybox and the guest agent', 1, total);
    const rootfs = join(work, 'rootfs');
    for (const d of ['bin', 'sbin', 'dev', 'proc', 'sys', 'tmp', 'run', 'var/log', 'etc/acpi/PWRF', 'www', `lib/modules/${kernelVersion}`, 'usr/sbin']) {
      await mkdir(join(rootfs, d), { recursive: true });
    }
    await copyFile(inputs.busybox, join(rootfs, 'bin/busybox'));
    await chmod(join(rootfs, 'bin/busybox'), 0o755);
    // `busybox --list` includes "busybox" itself: a symlink with that name over the binary loops (ELOOP).
    const applets = (await run(inputs.busybox, ['--list'])).split('\n').filter((a) => a && a !== 'busybox');
    for (const a of applets) await symlink('busybox', join(rootfs, 'bin', a));
    await copyFile(inputs.qemuGa, join(rootfs, 'usr/sbin/qemu-ga'));
    await chmod(join(rootfs, 'usr/sbin/qemu-ga'), 0o755);
    for (const line of (await run(tools.ldd, [inputs.qemuGa])).split('\n')) {
      const lib = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1];
      if (!lib) continue;
      await mkdir(join(rootfs, dirname(lib)), { recursive: true });
      await copyFile(lib, join(rootfs, lib));
    }

    onProgress('Collecting kernel modules', 2, total);
    const order: string[] = [];
    const visit = async (name: string): Promise<void> => {
      if (order.includes(name)) return;
      const deps = (await run(tools.modinfo, ['-k', kernelVersion, '-F', 'depends', name])).trim();
      for (const d of deps ? deps.split(',') : []) await visit(d.trim());
      order.push(name);
    };
    for (const m of DEMO_MODULES) await visit(m);
    const moduleFiles: string[] = [];
    for (const name of order) {
      const file = (await run(tools.modinfo, ['-k', kernelVersion, '-n', name])).trim();
      if (file === '(builtin)' || file === '') continue;
      if (!file.endsWith('.ko')) throw new VmdeskError('INTERNAL', `demo image: kernel module ${name} is compressed (${file}); this builder needs plain .ko files`);
      await copyFile(file, join(rootfs, 'lib/modules', kernelVersion, `${name}.ko`));
      moduleFiles.push(`${name}.ko`);
    }

    onProgress('Writing the init script and the web page', 3, total);
    await writeFile(join(rootfs, 'www/index.html'), `<html><body><h1>${DEMO_MARKERS.httpBody}</h1></body></html>\n`);
    await writeFile(join(rootfs, 'etc/acpi/PWRF/00000080'), '#!/bin/sh\npoweroff -f\n', { mode: 0o755 });
    await writeFile(join(rootfs, 'init'), demoInitScript(kernelVersion, moduleFiles), { mode: 0o755 });

    onProgress('Packing the initramfs', 4, total);
    const files = await run(tools.find, ['.', '-mindepth', '1'], { cwd: rootfs });
    const archive = Buffer.from(await run(tools.cpio, ['-o', '-H', 'newc', '--quiet'], { cwd: rootfs, input: files }), 'latin1');
    const initrd = join(work, 'initrd.gz');
    await writeFile(initrd, await gzip(archive, { level: 6 }));

    onProgress('Making the bootable disk', 5, total);
    const disk = join(work, 'disk.img');
    await run(tools.mkfsVfat, ['-C', disk, '40960']);
    const cfg = join(work, 'syslinux.cfg');
    await writeFile(cfg, demoSyslinuxConfig());
    await run(tools.mcopy, ['-i', disk, inputs.kernel, '::vmlinuz']);
    await run(tools.mcopy, ['-i', disk, initrd, '::initrd.gz']);
    await run(tools.mcopy, ['-i', disk, cfg, '::syslinux.cfg']);
    await run(tools.syslinux, ['--install', disk]);

    await mkdir(outDir, { recursive: true, mode: 0o700 });
    const target = join(outDir, 'disk.img');
    const temp = `${target}.tmp-${process.pid}`;
    await copyFile(disk, temp);
    await rename(temp, target);
    onProgress('Done', total, total);
    if (!(await stat(target)).isFile()) throw new VmdeskError('INTERNAL', `demo image: ${target} was not written`);
    return { disk: target };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
