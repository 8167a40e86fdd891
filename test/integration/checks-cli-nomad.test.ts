// `vmdesk test JOBFILE` with the real test guest under TCG (issue #16): a Nomad job (HCL2) whose service has an
// `http` and a `tcp` check on the guest's forwarded HTTP port runs those checks. The job file lies in a temp dir
// next to a hard link of the guest image, and its image_path is relative: it resolves against the job file's
// directory. Nothing is imported to disk; the report names the imported checks. A second job brings its image as
// an artifact (served by a real HTTP server): vmdesk test fetches it into the job file's directory first.
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startArtifactServer, type ArtifactServer } from '../helpers/artifact-server';
import { killTracked, trackDir } from '../helpers/cleanup';
import { vmdesk } from '../helpers/cli';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { guestDisk } from '../helpers/guest';
import { expectNoVms, readJunitCases, readReport } from '../helpers/test-cli';

vi.setConfig({ testTimeout: 480_000, hookTimeout: 240_000 });

let t: TempHome;
let jobDir: string;
let server: ArtifactServer | undefined;

const job = `job "webvm" {
  group "g" {
    network {
      port "http" { to = 80 }
    }
    service {
      name = "web"
      port = "http"
      check {
        name     = "front page"
        type     = "http"
        path     = "/index.html"
        interval = "10s"
        timeout  = "2s"
      }
      check {
        name     = "web port"
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }
    task "vm" {
      driver = "qemu"
      config {
        image_path        = "guest.img"
        accelerator       = "tcg"
        graceful_shutdown = true
        guest_agent       = true
        port_map { http = 80 }
      }
      resources {
        memory = 128
      }
      kill_timeout = "10s"
    }
  }
}
`;

beforeAll(() => {
  // No image_paths in the settings: the image is allowed only because it lies in the job file's directory.
  t = makeTempHome();
  trackDir(t.runtimeDir);
  jobDir = join(t.home, 'project');
  mkdirSync(jobDir);
  linkSync(guestDisk, join(jobDir, 'guest.img'));
  writeFileSync(join(jobDir, 'job.nomad.hcl'), job);
});
afterAll(async () => {
  killTracked();
  await server?.close();
  t?.remove();
});

describe('vmdesk test on a Nomad job file', () => {
  it('runs the job\'s http and tcp service checks on the guest: exit 0, the report names them', async () => {
    const results = join(t.home, 'results');
    // Run from the worktree: the relative image_path must resolve against the job file, not the working directory.
    const r = await vmdesk(['test', join(jobDir, 'job.nomad.hcl'), '--results', results], t.env, 420_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✓ front page \d+\.\d+s/);
    const report = readReport(results);
    expect(report.taskFile).toBe(join(jobDir, 'job.nomad.hcl'));
    expect(report.runs[0]!.checks.map((c) => [c.name, c.kind, c.status])).toEqual([
      ['front page', 'http', 'passed'],
      ['web port', 'port', 'passed'],
    ]);
    expect(report.runs[0]!.checks[0]!.evidence).toMatchObject({ status: 200 });
    expect(readJunitCases(results).map((c) => c.name)).toEqual(['front page', 'web port']);
    // Nothing was imported into the job's directory, and the image was not written (the VM was disposable).
    expect(readdirSync(jobDir).sort()).toEqual(['guest.img', 'job.nomad.hcl']);
    expect(existsSync(join(jobDir, 'vm'))).toBe(false);
    await expectNoVms(t);
  });

  it('fetches the job\'s artifact (the image) into the job file\'s directory first, then runs its checks', async () => {
    server = await startArtifactServer({ 'disk.img': guestDisk });
    const sha256 = createHash('sha256').update(readFileSync(guestDisk)).digest('hex');
    const dir = join(t.home, 'fetched');
    mkdirSync(dir);
    const artifactJob = job
      .replace('job "webvm"', 'job "artvm"')
      .replace('image_path        = "guest.img"', 'image_path        = "local/disk.img"')
      .replace(
        '      driver = "qemu"\n',
        `      driver = "qemu"\n      artifact {\n        source      = "${server.url('/f/disk.img')}"\n        destination = "local/disk.img"\n        mode        = "file"\n        options {\n          checksum = "sha256:${sha256}"\n        }\n      }\n`,
      );
    writeFileSync(join(dir, 'art.nomad.hcl'), artifactJob);
    const results = join(t.home, 'results-art');
    const r = await vmdesk(['test', join(dir, 'art.nomad.hcl'), '--results', results], t.env, 420_000);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(dir, 'local', 'disk.img')).size).toBe(statSync(guestDisk).size);
    expect(server.served.get('/f/disk.img')).toBe(statSync(guestDisk).size);
    expect(readReport(results).runs[0]!.checks.map((c) => [c.name, c.status])).toEqual([
      ['front page', 'passed'],
      ['web port', 'passed'],
    ]);
    await expectNoVms(t);
  });

  it('refuses a job with no qemu task, and --task naming no task of the job, with exit 2', async () => {
    writeFileSync(join(jobDir, 'empty.nomad.hcl'), 'job "none" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n    }\n  }\n}\n');
    const none = await vmdesk(['test', join(jobDir, 'empty.nomad.hcl')], t.env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/job "none" has no task with driver = "qemu"/);
    const both = await vmdesk(['test', join(jobDir, 'job.nomad.hcl'), '--task', 'nope'], t.env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('no qemu task "nope" in job "webvm"; qemu tasks are: g/vm');
    await expectNoVms(t);
  });
});
