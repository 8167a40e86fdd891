// The in-process image probe (planning without spawning qemu-img) held against the real `qemu-img info` on
// real images of every format qemu-img can make here: whenever the probe answers, it must say exactly what
// qemu-img says (format and virtual size); when it cannot be certain it must leave the image to qemu-img.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_BYTES, parseImageHeader } from '../../src/main/driver/image-header';
import { probeImageInfo } from '../../src/main/driver/image-probe';
import { inspectImage } from '../../src/main/driver/image-inspect';
import { createImage, createOverlay } from '../helpers/image-files';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmdesk-probe-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function probe(path: string, formatHint?: string) {
  const bytes = new Uint8Array(readFileSync(path).subarray(0, HEADER_BYTES));
  return probeImageInfo(bytes, parseImageHeader(bytes), statSync(path).size, path, formatHint);
}

function qemuImgInfo(path: string, formatHint?: string): { format: string; virtualSize: number } | { error: string } {
  try {
    const out = execFileSync('qemu-img', ['info', '--output=json', '-U', ...(formatHint ? ['-f', formatHint] : []), path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const j = JSON.parse(out) as { format: string; 'virtual-size': number };
    return { format: j.format, virtualSize: j['virtual-size'] };
  } catch (err) {
    return { error: String((err as { stderr?: string }).stderr ?? err) };
  }
}

function bytesFile(name: string, data: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

/** An image and whether the probe is expected to answer it itself (true) or leave it to qemu-img (false). */
type Case = { title: string; make: () => string; fast: boolean; hint?: string };

const MBR = Buffer.concat([Buffer.from([0xeb, 0x58, 0x90]), Buffer.from('SYSLINUX'), Buffer.alloc(1000)]);
const cases: Case[] = [
  { title: 'raw of zeros', make: () => createImage(join(dir, 'zero.raw'), 'raw', '1M'), fast: true },
  { title: 'raw with a boot sector, odd size (rounded up to 512)', make: () => bytesFile('mbr.img', MBR), fast: true },
  { title: 'empty file', make: () => bytesFile('empty.img', Buffer.alloc(0)), fast: true },
  { title: 'qcow2 v3', make: () => createImage(join(dir, 'a.qcow2')), fast: true },
  { title: 'qcow2 v2 (compat=0.10)', make: () => createImage(join(dir, 'v2.qcow2'), 'qcow2', '16M', ['-o', 'compat=0.10']), fast: true },
  { title: 'qcow2 of 1000 bytes (size rounded down)', make: () => createImage(join(dir, 'small.qcow2'), 'qcow2', '1000'), fast: true },
  { title: 'qcow2 cluster_size=512', make: () => createImage(join(dir, 'c512.qcow2'), 'qcow2', '64M', ['-o', 'cluster_size=512']), fast: true },
  { title: 'qcow2 cluster_size=2M', make: () => createImage(join(dir, 'c2m.qcow2'), 'qcow2', '64M', ['-o', 'cluster_size=2M']), fast: true },
  { title: 'qcow2 lazy_refcounts, refcount_bits=64', make: () => createImage(join(dir, 'lazy.qcow2'), 'qcow2', '16M', ['-o', 'lazy_refcounts=on,refcount_bits=64']), fast: true },
  { title: 'qcow2 with a backing file', make: () => createOverlay(join(dir, 'ov.qcow2'), join(dir, 'a.qcow2')), fast: false },
  { title: 'qcow2 with an external data file', make: () => createImage(join(dir, 'df.qcow2'), 'qcow2', '16M', ['-o', `data_file=${join(dir, 'df.raw')}`]), fast: false },
  { title: 'qcow2 extended_l2', make: () => createImage(join(dir, 'l2.qcow2'), 'qcow2', '16M', ['-o', 'extended_l2=on']), fast: false },
  { title: 'qcow2 compression_type=zstd', make: () => createImage(join(dir, 'z.qcow2'), 'qcow2', '16M', ['-o', 'compression_type=zstd']), fast: false },
  { title: 'qcow2 LUKS-encrypted', make: () => createImage(join(dir, 'enc.qcow2'), 'qcow2', '16M', ['--object', 'secret,id=s0,data=pw', '-o', 'encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=10']), fast: false },
  { title: 'qcow (v1)', make: () => createImage(join(dir, 'v1.qcow'), 'qcow'), fast: false },
  { title: 'qed', make: () => createImage(join(dir, 'q.qed'), 'qed'), fast: false },
  { title: 'vdi', make: () => createImage(join(dir, 'v.vdi'), 'vdi'), fast: false },
  { title: 'vhdx', make: () => createImage(join(dir, 'v.vhdx'), 'vhdx'), fast: false },
  { title: 'vpc', make: () => createImage(join(dir, 'v.vpc'), 'vpc'), fast: false },
  { title: 'vmdk', make: () => createImage(join(dir, 'v.vmdk'), 'vmdk'), fast: false },
  { title: 'parallels', make: () => createImage(join(dir, 'v.hds'), 'parallels'), fast: false },
  { title: 'luks', make: () => createImage(join(dir, 'v.luks'), 'luks', '16M', ['--object', 'secret,id=s0,data=pw', '-o', 'key-secret=s0,iter-time=10']), fast: false },
  { title: 'vmdk text descriptor after a blank line', make: () => bytesFile('blank.vmdk', Buffer.from(' \nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\nRW 8 FLAT "x.raw" 0\n')), fast: false },
  { title: 'vmdk text descriptor after a comment', make: () => bytesFile('c.vmdk', Buffer.from('#\nversion=1\ncreateType="monolithicFlat"\n')), fast: false },
  { title: 'a file named .dmg (dmg is probed by name)', make: () => bytesFile('zeros.dmg', Buffer.alloc(4096)), fast: false },
  { title: 'qcow2 read as raw (-f raw)', make: () => join(dir, 'a.qcow2'), hint: 'raw', fast: true },
  { title: 'raw with -f qcow2 (qemu-img refuses it)', make: () => join(dir, 'zero.raw'), hint: 'qcow2', fast: false },
];

describe('probeImageInfo against qemu-img info', () => {
  it.each(cases)('$title', ({ make, fast, hint }) => {
    const path = make();
    const probed = probe(path, hint);
    const real = qemuImgInfo(path, hint);
    if (fast) {
      expect(probed).toBeDefined();
      expect(real).toEqual({ format: probed!.format, virtualSize: probed!.virtualSize });
    } else {
      expect(probed).toBeUndefined();
    }
  });

  it('a damaged qcow2 header field (L1 table misaligned) is left to qemu-img', () => {
    const p = createImage(join(dir, 'bad-l1.qcow2'));
    const b = readFileSync(p);
    b.writeBigUInt64BE(b.readBigUInt64BE(40) + 8n, 40);
    writeFileSync(p, b);
    expect(probe(p)).toBeUndefined();
    expect(qemuImgInfo(p)).toHaveProperty('error');
  });
});

describe('inspectImage with the probe', () => {
  it('gives the same ImageInfo for a raw and a qcow2 image as qemu-img did, without qemu-img', async () => {
    const places = { taskDir: dir, imageDirs: [] };
    // A qemu-img that cannot run: the probe's answer must not need it.
    await expect(inspectImage(join(dir, 'zero.raw'), places, '/nonexistent/qemu-img')).resolves.toEqual({ path: join(dir, 'zero.raw'), format: 'raw', virtualSize: 1024 * 1024 });
    await expect(inspectImage(join(dir, 'a.qcow2'), places, '/nonexistent/qemu-img')).resolves.toEqual({ path: join(dir, 'a.qcow2'), format: 'qcow2', virtualSize: 16 * 1024 * 1024 });
  });
  it('still runs qemu-img for a chain (the overlay) and probes its plain base', async () => {
    const places = { taskDir: dir, imageDirs: [] };
    await expect(inspectImage(join(dir, 'ov.qcow2'), places, '/nonexistent/qemu-img')).rejects.toThrow(/qemu-img was not found/);
    await expect(inspectImage(join(dir, 'ov.qcow2'), places)).resolves.toMatchObject({ format: 'qcow2', backingFile: join(dir, 'a.qcow2') });
  });
});
