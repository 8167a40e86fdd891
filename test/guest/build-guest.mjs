#!/usr/bin/env node
// Builds the real test guest (test/guest/test-guest.ts: what it is) with vmdesk's own guest image builder
// (src/main/demo/guest-image.ts: how, from Debian packages, see GUEST-IMAGE.md) into .cache/guest/:
// disk.img, disk-nopower.img, boot.iso, uefi.img and guest.json (versions, cache key, markers). TypeScript is loaded with jiti,
// so this runs before any build. Rebuilds only when the cache key (kernel, busybox and qemu-ga versions,
// and the builder's sources) changes.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const outDir = process.env.VMDESK_GUEST_DIR ?? join(root, '.cache', 'guest');
const sources = [fileURLToPath(import.meta.url), join(here, 'test-guest.ts'), join(root, 'src/main/demo/guest-image.ts'), join(root, 'src/main/demo/host-inputs.ts'), join(root, 'src/main/demo/boot-media.ts')];

function log(msg) {
  process.stdout.write(`[guest] ${msg}\n`);
}

function pkgVersion(pkg, fallbackFile) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout) return r.stdout;
  if (!existsSync(fallbackFile)) return 'missing';
  const st = statSync(fallbackFile);
  return `${st.size}-${st.mtimeMs}`;
}

const jiti = createJiti(import.meta.url);
const { testGuestSpec, MARKERS } = await jiti.import(join(here, 'test-guest.ts'));
const { buildGuestImage } = await jiti.import(join(root, 'src/main/demo/guest-image.ts'));
const { findGuestInputs } = await jiti.import(join(root, 'src/main/demo/host-inputs.ts'));
const { buildBootMedia } = await jiti.import(join(root, 'src/main/demo/boot-media.ts'));

let inputs;
try {
  inputs = await findGuestInputs();
} catch (err) {
  process.stderr.write(`[guest] error: ${err.message}\n`);
  process.exit(1);
}
const versions = {
  kernel: `${inputs.kernelVersion} ${pkgVersion(`linux-image-${inputs.kernelVersion}`, inputs.kernel)}`,
  busybox: pkgVersion('busybox-static', inputs.busybox),
  qemuGa: pkgVersion('qemu-guest-agent', inputs.qemuGa),
  builder: createHash('sha256').update(sources.map((f) => readFileSync(f)).join('\0')).digest('hex').slice(0, 16),
};
const cacheKey = createHash('sha256').update(JSON.stringify(versions)).digest('hex').slice(0, 16);

const metaFile = join(outDir, 'guest.json');
// Besides the disks: boot.iso (ISOLINUX, for boot: cdrom) and uefi.img (an ESP with GRUB, for firmware: uefi).
const disks = [...Object.keys(testGuestSpec.disks), 'boot.iso', 'uefi.img'];
if (existsSync(metaFile) && disks.every((d) => existsSync(join(outDir, d)))) {
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
try {
  await buildGuestImage(testGuestSpec, outDir, (step, done, total) => log(`${done}/${total} ${step}`));
  await buildBootMedia(join(outDir, 'disk.img'), outDir);
} catch (err) {
  process.stderr.write(`[guest] error: ${err.message}\n`);
  process.exit(1);
}
writeFileSync(metaFile, JSON.stringify({ cacheKey, versions, markers: MARKERS, builtAt: new Date().toISOString() }, null, 2) + '\n');
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${outDir} (${disks.join(', ')})`);
