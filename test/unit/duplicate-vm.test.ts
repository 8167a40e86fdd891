// Duplicating a VM (src/main/app/duplicate-vm.ts): the copy's task by table (pure), and the three image
// modes over real files (the copy's own image is a real copy, refused for an image with a backing file).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { duplicateTask, writeDuplicate } from '../../src/main/app/duplicate-vm';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';

describe('duplicateTask', () => {
  const source = { name: 'web', config: { image_path: 'disk.img', port_map: { http: 80 } }, ports: { http: 8080 } };
  it.each([
    ['shared', { name: 'web2', config: { image_path: '/t/web/disk.img', port_map: { http: 80 } }, ports: { http: 0 } }],
    ['disposable', { name: 'web2', config: { image_path: '/t/web/disk.img', port_map: { http: 80 } }, ports: { http: 0 }, disposable: true }],
    ['copy', { name: 'web2', config: { image_path: 'disk.img', port_map: { http: 80 } }, ports: { http: 0 } }],
  ] as const)('%s', (mode, expected) => {
    expect(duplicateTask(source, 'web2', '/t/web', mode)).toEqual(expected);
  });
  it('keeps an absolute image path as it is (shared) and takes its file name (copy)', () => {
    const abs = { name: 'a', config: { image_path: '/images/x.qcow2' } };
    expect(duplicateTask(abs, 'b', '/t', 'shared')).toMatchObject({ config: { image_path: '/images/x.qcow2' } });
    expect(duplicateTask(abs, 'b', '/t', 'copy')).toMatchObject({ config: { image_path: 'x.qcow2' } });
  });
});

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'vd-dup-'));
  mkdirSync(join(home, 'tasks', 'web'), { recursive: true });
  writeFileSync(join(home, 'tasks', 'web', 'disk.img'), Buffer.alloc(1024 * 1024, 7));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('writeDuplicate', () => {
  const source = { name: 'web', config: { image_path: 'disk.img' } };
  const sourceFile = () => join(home, 'tasks', 'web', 'web.json');
  it('copy: writes tasks/<new>/<new>.json and a real copy of the image', async () => {
    await writeDuplicate({ home, source, sourceFile: sourceFile(), newName: 'web2', image: 'copy', driverConfig: DEFAULT_DRIVER_CONFIG });
    expect(JSON.parse(readFileSync(join(home, 'tasks', 'web2', 'web2.json'), 'utf8'))).toMatchObject({ name: 'web2', config: { image_path: 'disk.img' } });
    expect(readFileSync(join(home, 'tasks', 'web2', 'disk.img')).equals(readFileSync(join(home, 'tasks', 'web', 'disk.img')))).toBe(true);
  });
  it('shared: a flat task file whose image path still names the original file', async () => {
    await writeDuplicate({ home, source, sourceFile: sourceFile(), newName: 'web3', image: 'shared', driverConfig: DEFAULT_DRIVER_CONFIG });
    expect(JSON.parse(readFileSync(join(home, 'tasks', 'web3.json'), 'utf8'))).toMatchObject({ config: { image_path: join(home, 'tasks', 'web', 'disk.img') } });
  });
  it('copy of an image with a backing file is refused, and leaves nothing', async () => {
    const dir = join(home, 'tasks', 'web');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), '1M']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(dir, 'top.qcow2')]);
    const err = await writeDuplicate({ home, source: { name: 'web', config: { image_path: 'top.qcow2' } }, sourceFile: sourceFile(), newName: 'web4', image: 'copy', driverConfig: DEFAULT_DRIVER_CONFIG }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IMAGE_INVALID', message: expect.stringContaining('has a backing file') });
    expect(() => statSync(join(home, 'tasks', 'web4'))).toThrow();
  });
});
