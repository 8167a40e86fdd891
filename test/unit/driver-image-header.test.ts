// The image header reader, on real images made by qemu-img.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_BYTES, parseImageHeader } from '../../src/main/driver/image-header';
import { imageFormatProblem } from '../../src/main/driver/image-formats';
import { createImage, createOverlay } from '../helpers/image-files';

let dir: string;
const head = (p: string) => new Uint8Array(readFileSync(p).subarray(0, HEADER_BYTES));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmdesk-hdr-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('parseImageHeader', () => {
  it('plain qcow2 (v3): no references', () => {
    expect(parseImageHeader(head(createImage(join(dir, 'a.qcow2'))))).toEqual({ kind: 'qcow2' });
  });
  it('qcow2 v2 (compat=0.10)', () => {
    expect(parseImageHeader(head(createImage(join(dir, 'v2.qcow2'), 'qcow2', '16M', ['-o', 'compat=0.10'])))).toEqual({ kind: 'qcow2' });
  });
  it('qcow2 with a backing file and its format', () => {
    createOverlay(join(dir, 'ov.qcow2'), join(dir, 'a.qcow2'));
    expect(parseImageHeader(head(join(dir, 'ov.qcow2')))).toEqual({ kind: 'qcow2', backingFile: join(dir, 'a.qcow2'), backingFormat: 'qcow2' });
  });
  it('qcow2 with an external data file', () => {
    const p = createImage(join(dir, 'df.qcow2'), 'qcow2', '16M', ['-o', `data_file=${join(dir, 'data.raw')}`]);
    expect(parseImageHeader(head(p))).toMatchObject({ kind: 'qcow2', dataFile: join(dir, 'data.raw') });
  });
  it('raw, vmdk, qed, luks-looking and truncated headers', async () => {
    expect(parseImageHeader(head(createImage(join(dir, 'r.raw'), 'raw')))).toEqual({ kind: 'unknown' });
    expect(parseImageHeader(head(createImage(join(dir, 'v.vmdk'), 'vmdk')))).toEqual({ kind: 'vmdk' });
    createImage(join(dir, 'base.qcow2'));
    const qed = createImage(join(dir, 'q.qed'), 'qed', '16M', ['-b', join(dir, 'base.qcow2'), '-F', 'qcow2']);
    expect(parseImageHeader(head(qed))).toMatchObject({ kind: 'qed', backingFile: join(dir, 'base.qcow2') });
    await writeFile(join(dir, 'l'), Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe, 0, 1]));
    expect(parseImageHeader(head(join(dir, 'l')))).toEqual({ kind: 'luks' });
    expect(parseImageHeader(new Uint8Array([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]))).toMatchObject({ problem: 'qcow2 header is truncated' });
    expect(parseImageHeader(new Uint8Array())).toEqual({ kind: 'unknown' });
  });
  it('a backing name pointing past the header is reported, not read', () => {
    const buf = new Uint8Array(head(join(dir, 'a.qcow2')));
    const view = new DataView(buf.buffer);
    view.setBigUint64(8, BigInt(HEADER_BYTES - 4));
    view.setUint32(16, 100);
    expect(parseImageHeader(buf)).toMatchObject({ problem: 'qcow2 backing file name is out of range' });
  });
});

describe('imageFormatProblem', () => {
  it.each(['raw', 'qcow2', 'vdi', 'vpc', 'vhdx'])('allows %s', (f) => expect(imageFormatProblem(f)).toBeUndefined());
  it.each(['vmdk', 'qed', 'qcow', 'luks', 'dmg', 'parallels'])('refuses %s with a conversion hint', (f) => {
    expect(imageFormatProblem(f)).toMatch(new RegExp(`^image format "${f}" is not supported.*qemu-img convert -O qcow2`));
  });
});
