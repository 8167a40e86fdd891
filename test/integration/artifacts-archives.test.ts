// Archives as go-getter unpacks them (by extension; `archive = false` keeps them whole; `.qcow2.xz` becomes
// `.qcow2`), decoded by the npm libraries vmdesk uses, and hostile archives refused with the entry named and
// nothing written outside the destination. Archives are made here (node-tar headers, a hand-written zip, Node's
// zlib, and the xz and bzip2 tools for their formats). No QEMU, no network: file sources in the task directory.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactSchema, normaliseArtifact, type ArtifactFile } from '../../src/shared/artifact';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { fetchTaskArtifacts } from '../../src/main/artifacts/fetch-task';
import { tarBuffer, tgzBuffer, zipBuffer } from '../helpers/archives';

let root: string;
const disk = randomBytes(512 * 1024);
let n = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vmdesk-arch-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh home and task dir (inside a parent dir, to see that nothing lands beside the task dir). */
function fresh() {
  const dir = join(root, `c${++n}`);
  mkdirSync(join(dir, 'home'), { recursive: true });
  mkdirSync(join(dir, 'task', 'src'), { recursive: true });
  return { dir, home: join(dir, 'home'), taskDir: join(dir, 'task') };
}

function put(c: { taskDir: string }, name: string, data: Buffer): string {
  writeFileSync(join(c.taskDir, 'src', name), data);
  return `src/${name}`;
}

async function fetchOne(c: { home: string; taskDir: string }, a: ArtifactFile, maxBytes?: number) {
  const parsed = artifactSchema.parse(a);
  return fetchTaskArtifacts([normaliseArtifact(parsed)], c.taskDir, { home: c.home, driverConfig: { ...DEFAULT_DRIVER_CONFIG, ...(maxBytes ? { artifact_max_bytes: maxBytes } : {}) } });
}

function compress(tool: 'xz' | 'bzip2', data: Buffer): Buffer {
  return execFileSync(tool, ['-c', tool === 'xz' ? '-0' : '-1'], { input: data, maxBuffer: 64 << 20 });
}

describe('archive kinds', () => {
  it('.qcow2.xz, .img.gz and .img.bz2 decompress to the file without the extension', async () => {
    const c = fresh();
    await fetchOne(c, { source: put(c, 'disk.qcow2.xz', compress('xz', disk)) });
    await fetchOne(c, { source: put(c, 'b.img.gz', gzipSync(disk)), destination: 'local/gz' });
    await fetchOne(c, { source: put(c, 'c.img.bz2', compress('bzip2', disk)), mode: 'file', destination: 'local/c.raw' });
    expect(readFileSync(join(c.taskDir, 'local', 'disk.qcow2')).equals(disk)).toBe(true);
    expect(readFileSync(join(c.taskDir, 'local', 'gz', 'b.img')).equals(disk)).toBe(true);
    expect(readFileSync(join(c.taskDir, 'local', 'c.raw')).equals(disk)).toBe(true);
  });

  it('tar, tar.gz, tar.xz, tar.bz2 and zip unpack into the destination, symlinks inside kept', async () => {
    const entries = [{ path: 'images', type: 'Directory' as const }, { path: 'images/disk.img', body: disk }, { path: 'current.img', type: 'SymbolicLink' as const, linkpath: 'images/disk.img' }];
    const tar = tarBuffer(entries);
    const kinds: Array<[string, Buffer]> = [
      ['a.tar', tar],
      ['a.tgz', tgzBuffer(entries)],
      ['a.tar.xz', compress('xz', tar)],
      ['a.tar.bz2', compress('bzip2', tar)],
      ['a.zip', zipBuffer([{ name: 'images/' }, { name: 'images/disk.img', body: disk }, { name: 'current.img', symlinkTo: 'images/disk.img' }])],
    ];
    for (const [name, data] of kinds) {
      const c = fresh();
      await fetchOne(c, { source: put(c, name, data), destination: 'local/vm' });
      expect(readFileSync(join(c.taskDir, 'local', 'vm', 'images', 'disk.img')).equals(disk), name).toBe(true);
      expect(readlinkSync(join(c.taskDir, 'local', 'vm', 'current.img')), name).toBe('images/disk.img');
      expect(readdirSync(join(c.taskDir, 'local', 'vm')).sort(), name).toEqual(['current.img', 'images']);
    }
  });

  it('options.archive = false keeps the archive whole; an archive with mode "file" is refused', async () => {
    const c = fresh();
    const gz = gzipSync(disk);
    await fetchOne(c, { source: put(c, 'keep.img.gz', gz), options: { archive: false } });
    expect(readFileSync(join(c.taskDir, 'local', 'keep.img.gz')).equals(gz)).toBe(true);
    await expect(fetchOne(c, { source: put(c, 'x.tgz', tgzBuffer([{ path: 'a', body: disk }])), mode: 'file', destination: 'local/x' })).rejects.toThrow(/unpacks into a directory: use mode "any" or "dir"/);
  });
});

describe('hostile archives', () => {
  const cases: Array<[string, string, () => Buffer, RegExp]> = [
    ['zip slip (../) in a zip', 'slip.zip', () => zipBuffer([{ name: 'ok.txt', body: Buffer.from('ok') }, { name: '../../evil.txt', body: Buffer.from('pwned') }]), /entry "\.\.\/\.\.\/evil\.txt" refused: a "\.\." path component/],
    ['zip slip (../) in a tar', 'slip.tar', () => tarBuffer([{ path: '../evil.txt', body: Buffer.from('pwned') }]), /entry "\.\.\/evil\.txt" refused/],
    ['an absolute path in a tar', 'abs.tgz', () => tgzBuffer([{ path: '/tmp/vmdesk-evil-abs.txt', body: Buffer.from('pwned') }]), /entry "\/tmp\/vmdesk-evil-abs\.txt" refused: an absolute path/],
    ['an absolute path in a zip', 'abs.zip', () => zipBuffer([{ name: '/tmp/vmdesk-evil-abs2.txt', body: Buffer.from('pwned') }]), /entry "\/tmp\/vmdesk-evil-abs2\.txt" refused: an absolute path/],
    ['a symlink out, then a file through it (tar)', 'link.tar', () => tarBuffer([{ path: 'out', type: 'SymbolicLink', linkpath: '../..' }, { path: 'out/evil.txt', body: Buffer.from('pwned') }]), /entry "out" refused: a symlink to \.\.\/\.\., which points outside/],
    ['an absolute symlink (zip)', 'link.zip', () => zipBuffer([{ name: 'etc', symlinkTo: '/etc' }]), /entry "etc" refused: a symlink to the absolute path \/etc/],
    ['a symlink escape through a link that resolves up (tar)', 'chain.tar', () => tarBuffer([{ path: 'x', type: 'Directory' }, { path: 'x/d', type: 'SymbolicLink', linkpath: '..' }, { path: 'x/d/e', type: 'SymbolicLink', linkpath: '..' }]), /entry "x\/d\/e" refused: a symlink to \.\., which points outside/],
    ['a hard link to a host file (tar)', 'hard.tar', () => tarBuffer([{ path: 'passwd', type: 'Link', linkpath: '../../../../../../etc/passwd' }]), /entry "passwd" refused: a hard link/],
    ['a FIFO (tar)', 'fifo.tar', () => tarBuffer([{ path: 'pipe', type: 'FIFO' }]), /entry "pipe" refused: a FIFO entry/],
  ];
  for (const [what, name, make, message] of cases) {
    it(`${what}: refused, naming the entry; nothing outside the destination, nothing placed`, async () => {
      const c = fresh();
      const before = readdirSync(c.dir).sort();
      await expect(fetchOne(c, { source: put(c, name, make()), destination: 'local/vm' })).rejects.toThrow(message);
      expect(readdirSync(c.dir).sort()).toEqual(before);
      expect(readdirSync(join(c.taskDir)).sort()).toEqual(['local', 'src']);
      expect(readdirSync(join(c.taskDir, 'local', 'vm'))).toEqual([]);
      expect(existsSync('/tmp/vmdesk-evil-abs.txt') || existsSync('/tmp/vmdesk-evil-abs2.txt')).toBe(false);
    });
  }

  it('a decompression bomb stops at artifact_max_bytes, naming the entry (tar.gz, zip, .gz)', async () => {
    const zeros = Buffer.alloc(8 << 20);
    const c = fresh();
    await expect(fetchOne(c, { source: put(c, 'bomb.tgz', tgzBuffer([{ path: 'small', body: Buffer.from('x') }, { path: 'zeros.img', body: zeros }])), destination: 'local/vm' }, 1 << 20)).rejects.toThrow(/expands past 1 MiB \(artifact_max_bytes\) at entry "zeros\.img".*decompression bomb/);
    await expect(fetchOne(c, { source: put(c, 'bomb.zip', zipBuffer([{ name: 'zeros.img', body: zeros }])), destination: 'local/z' }, 1 << 20)).rejects.toThrow(/at entry "zeros\.img"/);
    await expect(fetchOne(c, { source: put(c, 'zeros.img.gz', gzipSync(zeros)), destination: 'local/g' }, 1 << 20)).rejects.toThrow(/at entry "zeros\.img".*decompression bomb/);
    // A tar header that lies about its size is caught as it streams, too.
    expect(readdirSync(join(c.taskDir, 'local', 'vm'))).toEqual([]);
    expect(existsSync(join(c.taskDir, 'local', 'g', 'zeros.img'))).toBe(false);
    expect(lstatSync(join(c.taskDir, 'local')).isDirectory()).toBe(true);
  });
});
