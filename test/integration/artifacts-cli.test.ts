// Artifacts through the built `vmdesk` CLI, with the real test guest served by a real HTTP server:
// an imported Nomad job whose artifact points at the server starts (vmdesk start fetches first) and the guest
// prints its ready marker; a second VM from the same URL downloads nothing; `cache ls`/`prune`; a fetch
// SIGKILLed halfway resumes with Range and downloads only the rest, byte-identical; `pull`; `--json` is one line.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startArtifactServer, type ArtifactServer } from '../helpers/artifact-server';
import { killTracked, trackDir } from '../helpers/cleanup';
import { json, vmdesk } from '../helpers/cli';
import { makeCliHome } from '../helpers/cli-home';
import { guestDisk, guestMarkers } from '../helpers/guest';
import type { TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

vi.setConfig({ testTimeout: 420_000, hookTimeout: 120_000 });

const bin = fileURLToPath(new URL('../../bin/vmdesk.js', import.meta.url));
let t: TempHome;
let server: ArtifactServer;
let sha256: string;
const started: string[] = [];

beforeAll(async () => {
  t = makeCliHome();
  trackDir(t.runtimeDir);
  sha256 = createHash('sha256').update(readFileSync(guestDisk)).digest('hex');
  server = await startArtifactServer({ 'disk.img': guestDisk }, { slowBytesPerSec: 3 * 1024 * 1024 });
});
afterAll(async () => {
  for (const name of started) await vmdesk(['stop', name, '--force'], t.env).catch(() => undefined);
  killTracked();
  await server?.close();
  t?.remove();
});

function job(name: string, source: string): string {
  return `job "${name}" {
  group "g" {
    task "${name}" {
      driver = "qemu"
      artifact {
        source      = "${source}"
        destination = "local/disk.img"
        mode        = "file"
        options {
          checksum = "sha256:${sha256}"
        }
      }
      config {
        image_path        = "local/disk.img"
        accelerator       = "tcg"
        graceful_shutdown = true
      }
      resources {
        memory = 128
      }
    }
  }
}
`;
}

describe('artifacts end to end', () => {
  it('an imported Nomad job with an artifact starts and boots; a second VM from the URL downloads nothing; prune removes the unused entry', async () => {
    const out = join(t.home, 'imported');
    writeFileSync(join(t.home, 'lab.nomad.hcl'), job('artvm', server.url('/f/disk.img')));
    const imp = await vmdesk(['import', join(t.home, 'lab.nomad.hcl'), '--out', out], t.env);
    expect(imp.code, imp.stderr + imp.stdout).toBe(0);
    expect(imp.stdout).not.toMatch(/does not download artifacts/);
    const taskFile = join(out, 'artvm', 'artvm.json');
    expect(JSON.parse(readFileSync(taskFile, 'utf8')).artifacts).toEqual([{ source: server.url('/f/disk.img'), destination: 'local/disk.img', mode: 'file', options: { checksum: `sha256:${sha256}` } }]);

    const plan = await vmdesk(['plan', taskFile], t.env);
    expect(plan.stderr).toMatch(/does not exist yet: the task's artifacts bring it/);

    const before = server.served.get('/f/disk.img') ?? 0;
    const start = await vmdesk(['start', taskFile, '--json'], t.env);
    expect(start.code, start.stderr + start.stdout).toBe(0);
    started.push('artvm');
    expect(start.stdout.trim().split('\n')).toHaveLength(1);
    expect(json<{ vm: { state: string } }>(start).vm.state).toBe('running');
    expect((server.served.get('/f/disk.img') ?? 0) - before).toBe(statSync(guestDisk).size);
    const marker = guestMarkers().ready;
    await waitFor('the guest ready marker', () => existsSync(join(t.home, 'vms', 'artvm', 'console.log')) && readFileSync(join(t.home, 'vms', 'artvm', 'console.log'), 'utf8').includes(marker), 240_000, 500);
    const stop = await vmdesk(['stop', 'artvm', '--json'], t.env);
    expect(stop.code, stop.stdout).toBe(0);

    // A second VM from the same URL: `vmdesk fetch` takes it from the cache, no request body served.
    writeFileSync(join(t.home, 'lab2.nomad.hcl'), job('artvm2', server.url('/f/disk.img')));
    expect((await vmdesk(['import', join(t.home, 'lab2.nomad.hcl'), '--out', out], t.env)).code).toBe(0);
    const served = server.served.get('/f/disk.img');
    const fetched = await vmdesk(['fetch', join(out, 'artvm2', 'artvm2.json'), '--json'], t.env);
    expect(fetched.code, fetched.stdout + fetched.stderr).toBe(0);
    expect(json<{ artifacts: Array<{ status: string }> }>(fetched).artifacts[0]!.status).toBe('cached');
    expect(server.served.get('/f/disk.img')).toBe(served);
    expect(readFileSync(join(out, 'artvm2', 'local', 'disk.img')).equals(readFileSync(guestDisk))).toBe(true);
    // Fetching again: already in place.
    const again = await vmdesk(['fetch', join(out, 'artvm2', 'artvm2.json')], t.env);
    expect(again.stdout).toMatch(/already in place/);

    const ls = json<{ entries: Array<{ id: string; inUse: boolean }>; sizeBytes: number }>(await vmdesk(['cache', 'ls', '--json'], t.env));
    expect(ls.entries).toMatchObject([{ id: `sha256-${sha256}`, inUse: true }]);
    expect(ls.sizeBytes).toBeGreaterThanOrEqual(statSync(guestDisk).size);
    expect(json<{ removed: string[] }>(await vmdesk(['cache', 'prune', '--json'], t.env)).removed).toEqual([]);
    rmSync(join(out, 'artvm2'), { recursive: true });
    rmSync(join(out, 'artvm', 'local'), { recursive: true });
    rmSync(join(out, 'artvm', '.vmdesk-artifacts.json'));
    const pruned = json<{ removed: string[]; freedBytes: number }>(await vmdesk(['cache', 'prune', '--older-than', '0d', '--json'], t.env));
    expect(pruned.removed).toEqual([`sha256-${sha256}`]);
    expect(json<{ entries: unknown[] }>(await vmdesk(['cache', 'ls', '--json'], t.env)).entries).toEqual([]);
  });

  it('vmdesk import into the tasks folder, then vmdesk start NAME: fetches the artifact and runs it; a second start finds it in place', async () => {
    writeFileSync(join(t.home, 'byname.nomad.hcl'), job('byname', server.url('/f/disk.img?byname')));
    const imp = await vmdesk(['import', join(t.home, 'byname.nomad.hcl'), '--out', join(t.home, 'tasks')], t.env);
    expect(imp.code, imp.stderr + imp.stdout).toBe(0);
    const placed = join(t.home, 'tasks', 'byname', 'local', 'disk.img');
    expect(existsSync(placed)).toBe(false);
    const start = await vmdesk(['start', 'byname', '--json'], t.env);
    started.push('byname');
    expect(start.code, start.stderr + start.stdout).toBe(0);
    expect(json<{ vm: { state: string; taskFile: string } }>(start).vm).toMatchObject({ state: 'running', taskFile: join(t.home, 'tasks', 'byname', 'byname.json') });
    expect(readFileSync(placed).equals(readFileSync(guestDisk))).toBe(true);
    expect((await vmdesk(['stop', 'byname', '--force', '--json'], t.env)).code).toBe(0);
    const served = server.totalServed();
    const again = await vmdesk(['start', 'byname'], t.env);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).toMatch(/^started byname/);
    expect(server.totalServed()).toBe(served);
    expect((await vmdesk(['stop', 'byname', '--force', '--json'], t.env)).code).toBe(0);
    // An unknown name says what to give instead, and starts nothing.
    const missing = await vmdesk(['start', 'nosuchvm', '--json'], t.env);
    expect(missing.code).not.toBe(0);
    expect(json<{ error: { code: string; message: string } }>(missing).error).toMatchObject({ code: 'VM_NOT_FOUND', message: expect.stringMatching(/give a task file path or the name of a VM/) });
    // Leave the cache empty for the tests after this one (the resume test needs a download, not a cache hit).
    rmSync(join(t.home, 'tasks', 'byname'), { recursive: true });
    expect((await vmdesk(['cache', 'prune', '--older-than', '0d', '--json'], t.env)).code).toBe(0);
  });

  it('a fetch SIGKILLed halfway resumes with Range: only the rest is served, and the result is byte-identical', async () => {
    const dir = join(t.home, 'resume');
    mkdirSync(dir);
    const taskFile = join(dir, 'task.json');
    writeFileSync(taskFile, JSON.stringify({ name: 'resume', config: { image_path: 'local/disk.img' }, artifacts: [{ source: server.url('/slow/disk.img'), options: { checksum: `sha256:${sha256}` } }] }));
    const size = statSync(guestDisk).size;
    const child = spawn(process.execPath, [bin, 'fetch', taskFile], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const part = join(t.home, 'cache', 'tmp', `sha256-${sha256}.part`);
    try {
      await waitFor('a third of the download', () => existsSync(part) && statSync(part).size > size / 3, 120_000, 50);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('close', r));
    expect(err).toMatch(/downloading disk\.img/);
    const have = statSync(part).size;
    expect(have).toBeLessThan(size);

    const r = await vmdesk(['fetch', taskFile, '--json'], t.env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const a = json<{ artifacts: Array<{ status: string; resumedFrom: number; downloadedBytes: number }> }>(r).artifacts[0]!;
    // The second run asks for the rest of what the killed one left (a write in flight at the kill may still land).
    const resumed = server.requests.filter((q) => q.path === '/slow/disk.img').at(-1)!;
    const from = Number(/^bytes=(\d+)-$/.exec(String(resumed.headers.range))?.[1]);
    expect(from).toBeGreaterThanOrEqual(have);
    expect(from).toBeGreaterThan(size / 3);
    expect(a).toMatchObject({ status: 'downloaded', resumedFrom: from, downloadedBytes: size - from });
    // Counted on the resumed request itself: the killed request's last chunk may still be counted after the kill.
    expect(resumed.served).toBe(size - from);
    expect(createHash('sha256').update(readFileSync(join(dir, 'local', 'disk.img'))).digest('hex')).toBe(sha256);
    expect(existsSync(part)).toBe(false);
  });

  it('pull: one image into --out, verified; a wrong checksum places nothing and says both digests', async () => {
    const out = join(t.home, 'pulled');
    const ok = await vmdesk(['pull', server.url('/f/disk.img'), '--checksum', `sha256:${sha256}`, '--out', out], t.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/verified -> .*pulled\/disk\.img/);
    const wrong = 'b'.repeat(64);
    const bad = await vmdesk(['pull', server.url('/f/disk.img?x=2'), '--checksum', `sha256:${wrong}`, '--out', join(t.home, 'pulled2'), '--json'], t.env);
    expect(bad.code).toBe(1);
    const e = json<{ ok: boolean; error: { code: string; message: string } }>(bad);
    expect(e.error.code).toBe('CHECKSUM_MISMATCH');
    expect(e.error.message).toContain(`expected sha256:${wrong}, got sha256:${sha256}`);
    expect(existsSync(join(t.home, 'pulled2', 'disk.img'))).toBe(false);
    const usage = await vmdesk(['pull', server.url('/f/disk.img'), '--checksum', 'sha256:xyz'], t.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--checksum: a sha256 digest is 64 hex digits/);
  });
});
