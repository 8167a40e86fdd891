#!/usr/bin/env node
// Builds the cloud test guest: Debian bookworm with systemd, cloud-init and OpenSSH, from Debian packages with
// mmdebstrap (see ../shared/GUEST-IMAGE.md), into ~/.cache/vmdesk/cloud-guest/<key>/: disk.qcow2 (ext4, no
// partition table, root=/dev/vda), vmlinuz, initrd.img and guest.json. The key hashes the package list, the
// candidate versions apt knows for them and this script, so a rebuild happens only when one of those changes.
// The first build takes 3 to 15 minutes (downloads and unpacks about 800 MiB); later runs return at once.
// Needs root (mmdebstrap's directory mode keeps owners) and the Debian packages mmdebstrap, e2fsprogs, qemu-utils.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = ['linux-image-amd64', 'cloud-init', 'systemd-sysv', 'openssh-server', 'qemu-guest-agent', 'netbase', 'isc-dhcp-client', 'ifupdown'];
const suite = 'bookworm';

function log(msg) {
  process.stdout.write(`[cloud-guest] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (install the Debian package that provides it)`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout || '').trim().slice(-2000)}`);
  return r.stdout;
}

function candidateVersions() {
  const r = spawnSync('apt-cache', ['policy', ...packages], { encoding: 'utf8' });
  if (r.status !== 0) return 'unknown';
  return r.stdout.split('\n').filter((l) => /^\S|Candidate:/.test(l)).join('\n');
}

/** The cache directory of the current inputs. */
export function cloudGuestDir() {
  const self = readFileSync(fileURLToPath(import.meta.url));
  const key = createHash('sha256').update(JSON.stringify({ packages, suite, versions: candidateVersions() })).update(self).digest('hex').slice(0, 16);
  const base = process.env.VMDESK_CLOUD_GUEST_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vmdesk', 'cloud-guest');
  return { key, dir: join(base, key), base };
}

function build(dir, key) {
  const work = `${dir}.work`;
  mkdirSync(work, { recursive: true });
  // As root, mmdebstrap writes the root file system straight into a directory (owners kept, no tar step).
  const root = join(work, 'root');
  if (!existsSync(join(root, 'etc', 'os-release'))) {
    log(`mmdebstrap ${suite} (${packages.join(', ')}): 3 to 15 minutes`);
    rmSync(`${root}.part`, { recursive: true, force: true });
    run('mmdebstrap', ['--variant=apt', `--include=${packages.join(',')}`, suite, `${root}.part`], { stdio: ['ignore', 'ignore', 'pipe'] });
    rmSync(root, { recursive: true, force: true });
    renameSync(`${root}.part`, root);
  }
  writeFileSync(join(root, 'etc/fstab'), '/dev/vda / ext4 rw,errors=remount-ro 0 1\n');
  // A root password is not set: tests log in with the key cloud-init installs. Serial getty is on by default.
  const boot = readdirSync(join(root, 'boot'));
  const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
  const initrd = boot.find((f) => f.startsWith('initrd.img-'));
  if (!kernel || !initrd) throw new Error(`no kernel or initrd in /boot: ${boot.join(' ')}`);
  const out = `${dir}.part`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  copyFileSync(join(root, 'boot', kernel), join(out, 'vmlinuz'));
  copyFileSync(join(root, 'boot', initrd), join(out, 'initrd.img'));
  log('mkfs.ext4 -d');
  run('mkfs.ext4', ['-q', '-F', '-d', root, '-L', 'root', join(work, 'rootfs.raw'), '2G']);
  run('qemu-img', ['convert', '-O', 'qcow2', join(work, 'rootfs.raw'), join(out, 'disk.qcow2')]);
  writeFileSync(join(out, 'guest.json'), JSON.stringify({ key, suite, packages, kernel, builtAt: new Date().toISOString() }, null, 2) + '\n');
  rmSync(dir, { recursive: true, force: true });
  renameSync(out, dir);
  rmSync(work, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { dir, key } = cloudGuestDir();
  if (existsSync(join(dir, 'guest.json'))) {
    log(`up to date in ${dir}`);
    process.exit(0);
  }
  const started = Date.now();
  try {
    build(dir, key);
  } catch (err) {
    process.stderr.write(`[cloud-guest] error: ${err.message}\n`);
    process.exit(1);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${dir}`);
}
