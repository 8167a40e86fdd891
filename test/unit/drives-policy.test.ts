// config.drives goes through the same image policy as image_path: every hostile path that image_path
// refuses is refused for a drive too, with the same error code, on the drive's own field. Real files in temp
// dirs, real images made by qemu-img, real symlinks, the real planTaskFile.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planTaskFile } from '../../src/main/driver/prepare';
import { DEFAULT_DRIVER_CONFIG, type DriverConfig } from '../../src/shared/driver-config';
import { VmdeskError, type ErrorCode } from '../../src/shared/errors';
import { createImage, createOverlay } from '../helpers/image-files';

let root: string;
let outside: string;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vmdesk-drives-'));
  outside = join(root, 'outside');
  await mkdir(outside);
  createImage(join(outside, 'other.qcow2'));
  await mkdir(join(root, 'allowed'));
  await mkdir(join(root, 'allowedx'));
  createImage(join(root, 'allowedx', 'img.qcow2'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const qemuImg = (...args: string[]) => execFileSync('qemu-img', args);

interface PathCase {
  title: string;
  /** Prepares files in the task dir and returns the path string the task names. */
  path: (dir: string) => Promise<string> | string;
  config?: () => Partial<DriverConfig>;
  code: ErrorCode;
}

const cases: PathCase[] = [
  { title: 'traversal ../', path: () => '../outside/other.qcow2', code: 'IMAGE_NOT_ALLOWED' },
  { title: 'absolute path outside', path: () => '/etc/passwd', code: 'IMAGE_NOT_ALLOWED' },
  { title: 'missing file outside (no existence oracle)', path: () => '/etc/nonexistent-vmdesk', code: 'IMAGE_NOT_ALLOWED' },
  { title: '/tmpx beside an allowed /tmp', path: () => join(root, 'allowedx', 'img.qcow2'), config: () => ({ image_paths: [join(root, 'allowed')] }), code: 'IMAGE_NOT_ALLOWED' },
  { title: 'symlink pointing out', path: async (d) => { await symlink(join(outside, 'other.qcow2'), join(d, 'link.qcow2')); return 'link.qcow2'; }, code: 'IMAGE_NOT_ALLOWED' },
  { title: 'symlinked directory pointing out', path: async (d) => { await symlink(outside, join(d, 'sub')); return 'sub/other.qcow2'; }, code: 'IMAGE_NOT_ALLOWED' },
  { title: 'symlink to /etc/shadow', path: async (d) => { await symlink('/etc/shadow', join(d, 'x.img')); return 'x.img'; }, code: 'IMAGE_NOT_ALLOWED' },
  { title: 'file: prefix', path: () => 'file:disk.qcow2', code: 'IMAGE_NOT_ALLOWED' },
  { title: 'json: prefix', path: () => 'json:{"driver":"file","filename":"/etc/passwd"}', code: 'IMAGE_NOT_ALLOWED' },
  { title: 'nbd: URL', path: () => 'nbd://10.0.0.1/x', code: 'IMAGE_NOT_ALLOWED' },
  { title: 'newline in the path', path: () => 'disk.qcow2\n-hda /etc/passwd', code: 'IMAGE_NOT_ALLOWED' },
  { title: 'NUL byte in the path', path: () => 'disk.qcow2\u0000/etc/passwd', code: 'INVALID_TASK' },
  { title: 'a directory', path: async (d) => { await mkdir(join(d, 'dir.img')); return 'dir.img'; }, code: 'IMAGE_INVALID' },
  { title: 'a FIFO', path: (d) => { execFileSync('mkfifo', [join(d, 'fifo.img')]); return 'fifo.img'; }, code: 'IMAGE_INVALID' },
  { title: 'does not exist', path: () => 'missing.qcow2', code: 'IMAGE_NOT_FOUND' },
  { title: 'qcow2 backing file outside', path: (d) => { createOverlay(join(d, 'ov.qcow2'), join(outside, 'other.qcow2')); return 'ov.qcow2'; }, code: 'IMAGE_NOT_ALLOWED' },
  { title: 'qcow2 backing /etc/passwd as raw', path: (d) => { createImage(join(d, 'p.qcow2')); qemuImg('rebase', '-u', '-b', '/etc/passwd', '-F', 'raw', join(d, 'p.qcow2')); return 'p.qcow2'; }, code: 'IMAGE_NOT_ALLOWED' },
  { title: 'qcow2 json: backing', path: (d) => { createImage(join(d, 'j.qcow2')); qemuImg('rebase', '-u', '-b', 'json:{"driver":"file","filename":"/etc/passwd"}', '-F', 'raw', join(d, 'j.qcow2')); return 'j.qcow2'; }, code: 'IMAGE_NOT_ALLOWED' },
  { title: 'backing loop a -> b -> a', path: (d) => { createImage(join(d, 'a.qcow2')); createOverlay(join(d, 'b.qcow2'), join(d, 'a.qcow2')); qemuImg('rebase', '-u', '-b', 'b.qcow2', '-F', 'qcow2', join(d, 'a.qcow2')); return 'a.qcow2'; }, code: 'IMAGE_INVALID' },
  { title: 'qcow2 external data file outside', path: (d) => { createImage(join(d, 'df.qcow2'), 'qcow2', '16M', ['-o', `data_file=${join(outside, 'data.raw')}`]); return 'df.qcow2'; }, code: 'IMAGE_NOT_ALLOWED' },
  { title: 'vmdk (extents can name host files)', path: (d) => { createImage(join(d, 'v.vmdk'), 'vmdk'); return 'v.vmdk'; }, code: 'IMAGE_INVALID' },
  { title: 'truncated qcow2 header', path: async (d) => { await writeFile(join(d, 't.qcow2'), Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3])); return 't.qcow2'; }, code: 'IMAGE_INVALID' },
];

async function planWith(dir: string, config: Record<string, unknown>, dc: Partial<DriverConfig> = {}) {
  const file = join(dir, `task-${++n}.json`);
  await writeFile(file, JSON.stringify({ name: 'web', config: { image_path: 'disk.qcow2', ...config }, resources: { memory: 128 } }));
  return planTaskFile(file, {
    driverConfig: { ...DEFAULT_DRIVER_CONFIG, ...dc },
    home: join(root, 'home'),
    env: { ...process.env, VMDESK_RUNTIME_DIR: '/tmp/vd-d' },
  });
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('drives: every hostile path image_path refuses is refused for a drive too', () => {
  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_t, c) => {
    const dir = join(root, `c${++n}`);
    await mkdir(dir);
    createImage(join(dir, 'disk.qcow2'));
    const p = await c.path(dir);
    const dc = c.config?.() ?? {};

    const asImage = await failure(planWith(dir, { image_path: p }, dc));
    expect(asImage, 'image_path must be refused').toBeInstanceOf(VmdeskError);
    expect((asImage as VmdeskError).code).toBe(c.code);

    for (const media of ['disk', 'cdrom'] as const) {
      const asDrive = await failure(planWith(dir, { drives: [{ path: p, media }] }, dc));
      expect(asDrive, `drives[0] (${media}) must be refused`).toBeInstanceOf(VmdeskError);
      const e = asDrive as VmdeskError;
      expect(e.code).toBe(c.code);
      expect(e.field).toBe('config.drives.0.path');
      expect(e.message).toMatch(/drives(\[0\]|\.0)\.path/);
    }
  });

  it('control: an allowed data disk and an ISO plan, with explicit formats, escaped commas and the cdrom first in the boot order', async () => {
    const dir = join(root, 'good');
    await mkdir(dir);
    createImage(join(dir, 'disk.qcow2'));
    createImage(join(dir, 'data,x=1.qcow2'));
    createImage(join(dir, 'install.iso'), 'raw', '4M');
    const plan = await planWith(dir, {
      drives: [
        { path: 'data,x=1.qcow2', interface: 'virtio' },
        { path: 'install.iso', media: 'cdrom' },
      ],
      boot: 'cdrom',
    });
    expect(plan.drives).toEqual([
      expect.objectContaining({ id: 'vmdesk-drive1', path: join(dir, 'data,x=1.qcow2'), format: 'qcow2', media: 'disk', interface: 'virtio', readOnly: false }),
      expect.objectContaining({ id: 'vmdesk-drive2', path: join(dir, 'install.iso'), format: 'raw', media: 'cdrom', interface: 'ide', readOnly: true, boot: true }),
    ]);
    expect(plan.argv).toContain(`file.driver=file,file.filename=${join(dir, 'data,,x=1.qcow2')},format=qcow2,id=vmdesk-drive1,if=none`);
    expect(plan.argv).toContain(`file.driver=file,file.filename=${join(dir, 'install.iso')},format=raw,id=vmdesk-drive2,if=none,read-only=on`);
    expect(plan.argv).toContain(JSON.stringify({ driver: 'ide-cd', drive: 'vmdesk-drive2', id: 'vmdesk-drive2-dev', bootindex: 0 }));
  });

  it('a format that does not match the file is refused on the drive', async () => {
    const dir = join(root, 'fmt');
    await mkdir(dir);
    createImage(join(dir, 'disk.qcow2'));
    createImage(join(dir, 'data.qcow2'));
    const e = (await failure(planWith(dir, { drives: [{ path: 'data.qcow2', format: 'raw' }] }))) as VmdeskError;
    expect(e).toBeInstanceOf(VmdeskError);
    expect({ code: e.code, field: e.field }).toEqual({ code: 'IMAGE_INVALID', field: 'config.drives.0.format' });
    expect(e.message).toMatch(/format "raw" was given, but .*data\.qcow2 is a qcow2 image/);
  });
});
