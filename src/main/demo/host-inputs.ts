// What building a guest image needs from this host (kernel, static busybox, qemu-ga, syslinux, mtools,
// ...), found on disk with the Debian package that provides each, and a checked way to run the tools.
import { execFile as execFileCb } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VmdeskError } from '../../shared/errors';

const execFile = promisify(execFileCb);

/** Host files and tools the build needs. */
export interface GuestInputs {
  kernelVersion: string;
  kernel: string;
  busybox: string;
  qemuGa: string;
  tools: { modinfo: string; syslinux: string; mcopy: string; mkfsVfat: string; cpio: string; ldd: string; find: string };
}

const TOOL_PACKAGES: Record<keyof GuestInputs['tools'], [string, string]> = {
  modinfo: ['modinfo', 'kmod'],
  syslinux: ['syslinux', 'syslinux'],
  mcopy: ['mcopy', 'mtools'],
  mkfsVfat: ['mkfs.vfat', 'dosfstools'],
  cpio: ['cpio', 'cpio'],
  ldd: ['ldd', 'libc-bin'],
  find: ['find', 'findutils'],
};

async function which(tool: string): Promise<string | undefined> {
  const path = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
  for (const dir of path.split(':')) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  }
  return undefined;
}

/** Finds what the build needs on this host, or says what to install (one error listing everything missing). */
export async function findGuestInputs(): Promise<GuestInputs> {
  if (process.platform !== 'linux') {
    throw new VmdeskError('INTERNAL', 'the guest image is built from Linux packages; on this system, create a VM from an image file instead');
  }
  const missing: string[] = [];
  const versions = existsSync('/lib/modules') ? (await readdir('/lib/modules')).filter((v) => existsSync(`/boot/vmlinuz-${v}`)).sort() : [];
  const kernelVersion = versions[versions.length - 1];
  if (!kernelVersion) missing.push('linux-image-amd64');
  if (!existsSync('/bin/busybox')) missing.push('busybox-static');
  if (!existsSync('/usr/sbin/qemu-ga')) missing.push('qemu-guest-agent');
  if (!existsSync('/usr/lib/syslinux/modules/bios/ldlinux.c32')) missing.push('syslinux-common');
  const tools: Partial<GuestInputs['tools']> = {};
  for (const [key, [tool, pkg]] of Object.entries(TOOL_PACKAGES) as Array<[keyof GuestInputs['tools'], [string, string]]>) {
    const found = await which(tool);
    if (found) tools[key] = found;
    else if (!missing.includes(pkg)) missing.push(pkg);
  }
  if (missing.length > 0) {
    throw new VmdeskError('INTERNAL', `building the guest image needs these Debian packages: sudo apt-get install ${missing.join(' ')} (or create a VM from an image file instead)`);
  }
  // The initramfs has no libc for busybox: it must be the static build (Debian's busybox-static).
  if (await isDynamic(tools.ldd!, '/bin/busybox')) {
    throw new VmdeskError('INTERNAL', '/bin/busybox is dynamically linked: install the Debian package busybox-static (sudo apt-get install busybox-static)');
  }
  return { kernelVersion: kernelVersion!, kernel: `/boot/vmlinuz-${kernelVersion}`, busybox: '/bin/busybox', qemuGa: '/usr/sbin/qemu-ga', tools: tools as GuestInputs['tools'] };
}

/** True when ldd lists shared libraries for the file (a static binary makes ldd fail). */
async function isDynamic(ldd: string, file: string): Promise<boolean> {
  try {
    const r = await execFile(ldd, [file], { encoding: 'utf8' });
    return /\.so/.test(r.stdout);
  } catch {
    return false;
  }
}

/** Runs a build tool; its failure becomes an error naming the command and its stderr. */
export async function runTool(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<string> {
  try {
    if (opts.input !== undefined) return await runWithInput(cmd, args, opts.input, opts.cwd);
    const r = await execFile(cmd, args, { cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return r.stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new VmdeskError('INTERNAL', `guest image: ${cmd} ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
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
