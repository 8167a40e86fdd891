#!/usr/bin/env node
// Builds the real test guest from Debian packages (see GUEST-IMAGE.md) into .cache/guest/:
//   disk.img          boots to a shell on ttyS0, prints VMDESK-GUEST-READY, serves HTTP on :80,
//                     runs qemu-ga, powers off on the ACPI power button (acpid).
//   disk-nopower.img  the same guest with `vmdesk.ignore_power_button` on the kernel command line: acpid
//                     logs the button press and does nothing (for the "falls through to quit" test).
//   guest.json        what was built (versions, cache key, markers).
// No root, no loop devices: an initramfs (cpio newc, gzip) and a FAT disk made with mtools + syslinux.
// Rebuilds only when the cache key (kernel, busybox, qemu-ga versions, this script) changes.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const outDir = process.env.VMDESK_GUEST_DIR ?? join(root, '.cache', 'guest');

/** Markers the guest prints on its serial console; tests import them from guest.json. */
export const MARKERS = {
  ready: 'VMDESK-GUEST-READY',
  tick: 'VMDESK-TICK',
  powerButtonIgnored: 'VMDESK-POWER-BUTTON-IGNORED',
  httpBody: 'vmdesk test guest says hello',
};

const MODULES = ['virtio_pci', 'virtio_net', 'e1000', 'button', 'evdev', 'virtio_console', 'virtio_blk'];

function log(msg) {
  process.stdout.write(`[guest] ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`[guest] error: ${msg}\n`);
  process.exit(1);
}

/** The file `pkg` must provide, or a clear error naming the Debian package. */
function need(path, pkg) {
  if (!existsSync(path)) fail(`${path} is missing: install the Debian package "${pkg}" (sudo apt-get install ${pkg})`);
  return path;
}

function needTool(tool, pkg) {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
  if (r.status !== 0) fail(`the command "${tool}" is missing: install the Debian package "${pkg}" (sudo apt-get install ${pkg})`);
  return r.stdout.trim();
}

function pkgVersion(pkg, fallbackFile) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout) return r.stdout;
  const st = statSync(fallbackFile);
  return `${st.size}-${st.mtimeMs}`;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.stdout || '').trim()}`);
  return r.stdout;
}

// ---- find the inputs ----------------------------------------------------------------------------
const kernelVersions = existsSync('/lib/modules') ? readdirSync('/lib/modules').filter((v) => existsSync(`/boot/vmlinuz-${v}`)).sort() : [];
if (kernelVersions.length === 0) fail('no kernel found (/boot/vmlinuz-* with /lib/modules/<version>): install the Debian package "linux-image-amd64"');
const kver = kernelVersions[kernelVersions.length - 1];
const kernel = need(`/boot/vmlinuz-${kver}`, 'linux-image-amd64');
const busybox = need('/bin/busybox', 'busybox-static');
const qemuGa = need('/usr/sbin/qemu-ga', 'qemu-guest-agent');
const modinfo = needTool('modinfo', 'kmod');
const syslinux = needTool('syslinux', 'syslinux');
need('/usr/lib/syslinux/modules/bios/ldlinux.c32', 'syslinux-common');
const mcopy = needTool('mcopy', 'mtools');
const mkfsVfat = needTool('mkfs.vfat', 'dosfstools');
const cpio = needTool('cpio', 'cpio');
{
  const bb = run('file', ['-L', busybox]);
  if (!/statically linked/.test(bb)) fail(`${busybox} is not statically linked: install the Debian package "busybox-static"`);
}

const versions = {
  kernel: `${kver} ${pkgVersion(`linux-image-${kver}`, kernel)}`,
  busybox: pkgVersion('busybox-static', busybox),
  qemuGa: pkgVersion('qemu-guest-agent', qemuGa),
  script: createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 16),
};
const cacheKey = createHash('sha256').update(JSON.stringify(versions)).digest('hex').slice(0, 16);

const metaFile = join(outDir, 'guest.json');
if (existsSync(metaFile) && existsSync(join(outDir, 'disk.img')) && existsSync(join(outDir, 'disk-nopower.img'))) {
  try {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (meta.cacheKey === cacheKey) {
      log(`up to date in ${outDir} (key ${cacheKey})`);
      process.exit(0);
    }
    log(`cache key changed (${meta.cacheKey} -> ${cacheKey}): rebuilding`);
  } catch {
    log('guest.json unreadable: rebuilding');
  }
}

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'vmdesk-guest-'));
try {
  // ---- initramfs tree -----------------------------------------------------------------------------
  log(`building initramfs (kernel ${kver})`);
  const rootfs = join(work, 'rootfs');
  for (const d of ['bin', 'sbin', 'dev', 'proc', 'sys', 'tmp', 'run', 'var/log', 'var/run', 'etc/acpi/PWRF', 'www', `lib/modules/${kver}`, 'root']) {
    mkdirSync(join(rootfs, d), { recursive: true });
  }
  copyFileSync(busybox, join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  // `busybox --list` includes "busybox" itself: a symlink with that name over the binary loops (ELOOP).
  const applets = run(busybox, ['--list']).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) symlinkSync('busybox', join(rootfs, 'bin', a));

  // qemu-ga and its shared libraries, at the paths ldd names.
  mkdirSync(join(rootfs, 'usr/sbin'), { recursive: true });
  copyFileSync(qemuGa, join(rootfs, 'usr/sbin/qemu-ga'));
  chmodSync(join(rootfs, 'usr/sbin/qemu-ga'), 0o755);
  for (const line of run('ldd', [qemuGa]).split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (!m) continue;
    const lib = m[1];
    mkdirSync(join(rootfs, dirname(lib)), { recursive: true });
    copyFileSync(lib, join(rootfs, lib));
  }

  // Kernel modules in dependency order (`modinfo -F depends`).
  const order = [];
  const visit = (name) => {
    if (order.includes(name)) return;
    const deps = run(modinfo, ['-k', kver, '-F', 'depends', name]).trim();
    for (const d of deps ? deps.split(',') : []) visit(d.trim());
    order.push(name);
  };
  for (const m of MODULES) visit(m);
  const moduleFiles = [];
  for (const name of order) {
    const file = run(modinfo, ['-k', kver, '-n', name]).trim();
    if (file === '(builtin)' || file === '') continue;
    if (!file.endsWith('.ko')) fail(`module ${name} is ${file}: compressed modules are not supported by this builder`);
    const base = `${name}.ko`;
    copyFileSync(file, join(rootfs, 'lib/modules', kver, base));
    moduleFiles.push(base);
  }

  writeFileSync(join(rootfs, 'www/index.html'), `<html><body>${MARKERS.httpBody}</body></html>\n`);
  writeFileSync(join(rootfs, 'etc/acpi/PWRF/00000080'), `#!/bin/sh\nexec /bin/sh /etc/acpi/power-button.sh\n`);
  chmodSync(join(rootfs, 'etc/acpi/PWRF/00000080'), 0o755);
  writeFileSync(
    join(rootfs, 'etc/acpi/power-button.sh'),
    `#!/bin/sh
if grep -q vmdesk.ignore_power_button /proc/cmdline; then
  echo "${MARKERS.powerButtonIgnored}" > /dev/console
else
  echo "vmdesk guest: power button, powering off" > /dev/console
  poweroff -f
fi
`,
  );
  writeFileSync(
    join(rootfs, 'init'),
    `#!/bin/sh
export PATH=/bin:/sbin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
for m in ${moduleFiles.join(' ')}; do insmod /lib/modules/${kver}/$m 2>/dev/null; done
ip link set lo up
ip link set eth0 up 2>/dev/null
ip addr add 10.0.2.15/24 dev eth0 2>/dev/null
ip route add default via 10.0.2.2 2>/dev/null
httpd -p 80 -h /www
acpid -c /etc/acpi -l /var/log/acpid.log
port=""
for p in /sys/class/virtio-ports/*; do
  [ -f "$p/name" ] && [ "$(cat $p/name)" = "org.qemu.guest_agent.0" ] && port="/dev/$(basename $p)"
done
if [ -n "$port" ]; then
  qemu-ga -m virtio-serial -p "$port" -f /run/qemu-ga.pid -d
  echo "vmdesk guest: qemu-ga on $port" > /dev/console
fi
echo "${MARKERS.ready}" > /dev/console
( i=0; while true; do i=$((i+1)); echo "${MARKERS.tick} $i" > /dev/console; sleep 1; done ) &
# A shell on the serial console, so console input can be tested.
while true; do setsid sh -c 'exec sh -i </dev/ttyS0 >/dev/ttyS0 2>&1'; sleep 1; done
`,
  );
  chmodSync(join(rootfs, 'init'), 0o755);

  const files = run('find', ['.', '-mindepth', '1'], { cwd: rootfs });
  const archive = execFileSync(cpio, ['-o', '-H', 'newc', '--quiet'], { cwd: rootfs, input: files, maxBuffer: 256 * 1024 * 1024 });
  const initrd = join(work, 'initrd.gz');
  writeFileSync(initrd, gzipSync(archive, { level: 6 }));
  log(`initramfs ${(statSync(initrd).size / 1048576).toFixed(1)} MiB, ${moduleFiles.length} modules, ${applets.length} applets`);

  // ---- bootable FAT disks -------------------------------------------------------------------------
  const makeDisk = (file, extraCmdline) => {
    log(`building ${file}`);
    const disk = join(work, file);
    run(mkfsVfat, ['-C', disk, '40960']);
    const cfg = join(work, `syslinux-${file}.cfg`);
    writeFileSync(cfg, `DEFAULT vmdesk\nPROMPT 0\nTIMEOUT 0\nLABEL vmdesk\n  KERNEL vmlinuz\n  INITRD initrd.gz\n  APPEND console=ttyS0 panic=-1 quiet${extraCmdline}\n`);
    run(mcopy, ['-i', disk, kernel, '::vmlinuz']);
    run(mcopy, ['-i', disk, initrd, '::initrd.gz']);
    run(mcopy, ['-i', disk, cfg, '::syslinux.cfg']);
    run(syslinux, ['--install', disk]);
    return disk;
  };
  const disk = makeDisk('disk.img', '');
  const nopower = makeDisk('disk-nopower.img', ' vmdesk.ignore_power_button');

  mkdirSync(outDir, { recursive: true });
  renameOrCopy(disk, join(outDir, 'disk.img'));
  renameOrCopy(nopower, join(outDir, 'disk-nopower.img'));
  writeFileSync(metaFile, JSON.stringify({ cacheKey, versions, markers: MARKERS, builtAt: new Date().toISOString() }, null, 2) + '\n');
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${outDir}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function renameOrCopy(from, to) {
  try {
    renameSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}
