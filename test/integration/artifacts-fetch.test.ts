// The artifact engine against a real HTTP server (node:http on 127.0.0.1, port 0) and real files: checksums
// per algorithm, `file:` checksum lists, the cache (a second task downloads nothing), conditional requests
// without a checksum, redirects, 404/500, a dropped connection resumed with Range, a wrong Content-Length,
// the size limit and the free-disk check. No QEMU.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseArtifact, type ArtifactFile } from '../../src/shared/artifact';
import { artifactSchema } from '../../src/shared/artifact';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { fetchTaskArtifacts } from '../../src/main/artifacts/fetch-task';
import { listEntries } from '../../src/main/artifacts/cache';
import { startArtifactServer, type ArtifactServer } from '../helpers/artifact-server';

let root: string;
let server: ArtifactServer;
const image = randomBytes(3 * 1024 * 1024 + 123);
const digest = (algo: string, b: Buffer = image) => createHash(algo).update(b).digest('hex');

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'vmdesk-art-'));
  mkdirSync(join(root, 'srv'));
  writeFileSync(join(root, 'srv', 'disk.img'), image);
  writeFileSync(join(root, 'srv', 'SHA256SUMS'), `${digest('sha256', Buffer.from('other'))}  other.img\n${digest('sha256')} *disk.img\n`);
  writeFileSync(join(root, 'srv', 'SHA512SUMS'), `SHA512 (disk.img) = ${digest('sha512')}\n`);
  server = await startArtifactServer({ 'disk.img': join(root, 'srv', 'disk.img'), SHA256SUMS: join(root, 'srv', 'SHA256SUMS'), SHA512SUMS: join(root, 'srv', 'SHA512SUMS') });
});
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
/** A fresh home and task directory. */
function fresh(): { home: string; taskDir: string } {
  const dir = join(root, `case-${++n}`);
  mkdirSync(join(dir, 'home'), { recursive: true });
  mkdirSync(join(dir, 'task'), { recursive: true });
  return { home: join(dir, 'home'), taskDir: join(dir, 'task') };
}

function art(a: ArtifactFile) {
  const r = artifactSchema.safeParse(a);
  if (!r.success) throw new Error(r.error.message);
  return normaliseArtifact(r.data);
}

async function fetchInto(where: { home: string; taskDir: string }, a: ArtifactFile, extra: { maxBytes?: number; freeBytes?: number } = {}) {
  return fetchTaskArtifacts([art(a)], where.taskDir, {
    home: where.home,
    driverConfig: { ...DEFAULT_DRIVER_CONFIG, ...(extra.maxBytes ? { artifact_max_bytes: extra.maxBytes } : {}) },
    ...(extra.freeBytes !== undefined ? { freeBytes: () => extra.freeBytes } : {}),
  });
}

describe('checksums', () => {
  for (const algo of ['md5', 'sha1', 'sha256', 'sha512']) {
    it(`${algo}: the right digest places the file; a wrong one deletes the download, places nothing and names both digests`, async () => {
      const ok = fresh();
      const [r] = await fetchInto(ok, { source: server.url('/f/disk.img'), options: { checksum: `${algo}:${digest(algo)}` } });
      expect(r!.status).toBe('fetched');
      expect(readFileSync(join(ok.taskDir, 'local', 'disk.img')).equals(image)).toBe(true);

      const bad = fresh();
      const wrong = digest(algo, Buffer.from('not the image'));
      const err = await fetchInto(bad, { source: server.url('/f/disk.img'), options: { checksum: `${algo}:${wrong}` } }).catch((e: unknown) => e as Error & { code?: string });
      expect(err).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
      expect((err as Error).message).toContain(`expected ${algo}:${wrong}`);
      expect((err as Error).message).toContain(`got ${algo}:${digest(algo)}`);
      expect(existsSync(join(bad.taskDir, 'local', 'disk.img'))).toBe(false);
      expect(listEntries(bad.home)).toEqual([]);
      expect(readdirSync(join(bad.home, 'cache', 'tmp')).filter((f) => !f.endsWith('.lock'))).toEqual([]);
    });
  }

  it('file: checksum lists in sha256sum and BSD format, over http and from a file:// URL', async () => {
    const a = fresh();
    await fetchInto(a, { source: server.url('/f/disk.img'), options: { checksum: `file:${server.url('/f/SHA256SUMS')}` } });
    expect(readFileSync(join(a.taskDir, 'local', 'disk.img')).equals(image)).toBe(true);
    const b = fresh();
    writeFileSync(join(b.taskDir, 'SHA512SUMS'), readFileSync(join(root, 'srv', 'SHA512SUMS')));
    const [r] = await fetchInto(b, { source: server.url('/f/disk.img'), options: { checksum: `file:file://${join(b.taskDir, 'SHA512SUMS')}` } });
    expect(r).toMatchObject({ status: 'fetched', digest: `sha512:${digest('sha512')}` });
    const c = fresh();
    writeFileSync(join(c.taskDir, 'SUMS'), `${digest('sha256')}  something-else.img\n`);
    await expect(fetchInto(c, { source: server.url('/f/disk.img'), options: { checksum: `file:file://${join(c.taskDir, 'SUMS')}` } })).rejects.toThrow(/has no line for disk\.img/);
  });
});

describe('cache', () => {
  it('with a checksum, a second task directory gets the image from the cache without a request', async () => {
    const a = fresh();
    const spec = { source: server.url('/f/disk.img?x=cache1'), options: { checksum: `sha256:${digest('sha256')}` } };
    const before = server.totalServed();
    await fetchInto(a, spec);
    expect(server.totalServed() - before).toBe(image.length);
    const requests = server.requests.length;
    const b = { home: a.home, taskDir: fresh().taskDir };
    const [r] = await fetchInto(b, spec);
    expect(r).toMatchObject({ status: 'fetched', origin: 'cached', downloadedBytes: 0 });
    expect(server.requests.length).toBe(requests);
    expect(readFileSync(join(b.taskDir, 'local', 'disk.img')).equals(image)).toBe(true);
    // The placed file is a copy: writing it (as a VM does) leaves the cache as downloaded.
    writeFileSync(join(b.taskDir, 'local', 'disk.img'), 'changed by the guest');
    expect(readFileSync(listEntries(a.home)[0]!.path).equals(image)).toBe(true);
    // Fetching the same spec again into b keeps the VM's disk: it is in place.
    const [again] = await fetchInto(b, spec);
    expect(again!.status).toBe('in-place');
    expect(readFileSync(join(b.taskDir, 'local', 'disk.img'), 'utf8')).toBe('changed by the guest');
  });

  it('without a checksum, the entry is revalidated with If-None-Match and a 304 downloads nothing', async () => {
    const a = fresh();
    await fetchInto(a, { source: server.url('/f/disk.img?x=nock'), mode: 'file', destination: 'disk.qcow2' });
    const before = server.served.get('/f/disk.img') ?? 0;
    const b = { home: a.home, taskDir: fresh().taskDir };
    const [r] = await fetchInto(b, { source: server.url('/f/disk.img?x=nock'), mode: 'file', destination: 'disk.qcow2' });
    expect(r).toMatchObject({ origin: 'cached', downloadedBytes: 0 });
    expect(server.served.get('/f/disk.img') ?? 0).toBe(before);
    expect(server.requests.at(-1)!.headers['if-none-match']).toBeTruthy();
    expect(readFileSync(join(b.taskDir, 'disk.qcow2')).equals(image)).toBe(true);
  });
});

describe('HTTP failures', () => {
  it('404 and 500 say the status; nothing is placed', async () => {
    const a = fresh();
    await expect(fetchInto(a, { source: server.url('/status/404') })).rejects.toThrow(/HTTP 404.*check the source URL/);
    await expect(fetchInto(a, { source: server.url('/status/500') })).rejects.toThrow(/HTTP 500.*server error/);
    expect(existsSync(join(a.taskDir, 'local'))).toBe(false);
  });

  it('a redirect is followed; a redirect loop stops after 10 hops', async () => {
    const a = fresh();
    await fetchInto(a, { source: server.url('/redirect/disk.img'), options: { checksum: `sha256:${digest('sha256')}` } });
    expect(readFileSync(join(a.taskDir, 'local', 'disk.img')).equals(image)).toBe(true);
    await expect(fetchInto(fresh(), { source: server.url('/loop') })).rejects.toThrow(/stopped after 10 redirects.*loop/);
  });

  it('a connection dropped halfway is an error; the next fetch resumes with Range and the result is byte-identical', async () => {
    const a = fresh();
    const spec = { source: server.url('/drop/disk.img'), options: { checksum: `sha256:${digest('sha256')}` } };
    await expect(fetchInto(a, spec)).rejects.toThrow(/connection (dropped|closed) after .* of .*resumes/);
    const first = server.served.get('/drop/disk.img')!;
    expect(first).toBeLessThan(image.length);
    expect(existsSync(join(a.taskDir, 'local', 'disk.img'))).toBe(false);
    // The server drops every response halfway: each attempt gets half of what is left, and asks only for that.
    for (let i = 0; i < 40 && !existsSync(join(a.taskDir, 'local', 'disk.img')); i++) await fetchInto(a, spec).catch(() => undefined);
    expect(readFileSync(join(a.taskDir, 'local', 'disk.img')).equals(image)).toBe(true);
    expect(server.served.get('/drop/disk.img')).toBe(image.length);
    expect(server.requests.filter((r) => r.path === '/drop/disk.img' && r.headers.range).length).toBeGreaterThan(0);
  });

  it('a Content-Length larger than the body is reported as a short read', async () => {
    await expect(fetchInto(fresh(), { source: server.url('/short/disk.img') })).rejects.toThrow(/connection (dropped|closed) after [0-9.]+ MiB of 4\.0 MiB/);
  });

  it('artifact_max_bytes refuses a larger file before downloading; the free-disk check too', async () => {
    const before = server.totalServed();
    await expect(fetchInto(fresh(), { source: server.url('/f/disk.img?x=max') }, { maxBytes: 1024 * 1024 })).rejects.toThrow(/over the limit of 1 MiB \(artifact_max_bytes/);
    await expect(fetchInto(fresh(), { source: server.url('/f/disk.img?x=free') }, { freeBytes: 1000 })).rejects.toThrow(/only 1000 B free/);
    expect(server.totalServed() - before).toBeLessThan(image.length);
  });
});

describe('sources and destinations', () => {
  it('a local source outside the task directory and image_paths is refused; one inside is copied', async () => {
    const a = fresh();
    await expect(fetchInto(a, { source: join(root, 'srv', 'disk.img') })).rejects.toThrow(/outside the task directory/);
    await expect(fetchInto(a, { source: 'file:///etc/passwd' })).rejects.toThrow(/outside the task directory/);
    mkdirSync(join(a.taskDir, 'src'));
    writeFileSync(join(a.taskDir, 'src', 'base.img'), image);
    const [r] = await fetchInto(a, { source: 'src/base.img', destination: 'local/', options: { checksum: `sha1:${digest('sha1')}` } });
    expect(r).toMatchObject({ origin: 'local' });
    expect(readFileSync(join(a.taskDir, 'local', 'base.img')).equals(image)).toBe(true);
  });

  it('the schema refuses destinations that leave the task directory and unsupported getters', () => {
    for (const bad of [{ source: 'https://x/y.img', destination: '../up' }, { source: 'https://x/y.img', destination: '/etc' }, { source: 's3::https://b/k' }, { source: 'git::https://x/r' }, { source: 'ftp://x/y' }]) {
      expect(artifactSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(artifactSchema.safeParse({ source: 'https://x/y.img', options: { checksum: 'sha256:abc' } }).error?.issues[0]?.message).toMatch(/64 hex digits/);
  });
});
