// Artifacts. Download: vmdesk's fetch of an http:// artifact with a sha256 checksum (download into the
// cache's .part file, verify, rename into the cache, copy into the task directory: what `vmdesk fetch`
// does) against `curl -o` of the same URL, both from one local HTTP server in a child process (so that the
// server does not share the fetcher's event loop). Checksum: vmdesk's hashFile against `sha256sum` of
// the same file, in seconds per GiB. Each vmdesk run uses a fresh home, so nothing comes from the cache.
// Start from a cached artifact: the test guest's disk served over HTTP as a task's artifact (sha256), fetched
// once into a shared cache; then, A B C: (local) a task whose image is already in its directory, supervisor
// start() to QMP ready; (cached) a new task directory with the artifact in the cache only: the fetch of the
// task's artifacts (cache hit, the image copied into place, as a second VM from the same URL gets it) then
// start(); (in-place) the same artifact task started again (the placement record says it is there: a stat).
// QEMU is stopped (SIGKILL) at QMP ready: the guest's boot is the same for all three.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, copyFileSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { fetchArtifact } from '../../../src/main/artifacts/fetch-artifact';
import { httpGet } from '../../../src/main/artifacts/http-get';
import { fetchTaskArtifacts } from '../../../src/main/artifacts/fetch-task';
import { createSupervisor } from '../../../src/main/supervisor/supervisor';
import { readTaskFile } from '../../../src/main/driver/prepare';
import { DEFAULT_DRIVER_CONFIG } from '../../../src/shared/driver-config';
import { guestTask } from '../lib/guest-task';
import { benchHome } from '../lib/vmdesk-env';
import { hashFile } from '../../../src/main/artifacts/checksum';
import { normaliseArtifact, artifactSchema } from '../../../src/shared/artifact';
import { nowMs } from '../lib/clock';
import { figure } from '../lib/results';
import { alternation, runSchedule, type RunOutput } from '../lib/schedule';
import type { Suite, SuiteContext, SuiteOutput } from '../suite';

const MB = 1e6;
const GIB = 1024 ** 3;

// The server: serves one file at /disk.img with Content-Length, prints its port, exits with its parent.
const SERVER = `
const http = require('node:http'), fs = require('node:fs');
const file = process.argv[1];
const s = http.createServer((req, res) => {
  res.writeHead(200, { 'content-length': fs.statSync(file).size, 'content-type': 'application/octet-stream' });
  fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(res);
});
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();
`;

function startServer(file: string): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, ['-e', SERVER, file], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (d: Buffer) => resolve({ port: Number(d.toString().trim()), stop: () => child.kill() }));
  });
}

function runTimed(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(nowMs() - t0) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

/** Writes `mib` MiB of incompressible bytes (as a disk image mostly is to a checksum). */
function writeSource(path: string, mib: number): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < mib; i++) {
      const chunk = randomBytes(1 << 20);
      hash.update(chunk);
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Start to QMP ready: an image already local, from the cache into a new task dir, and already in place. */
async function startCached(ctx: SuiteContext): Promise<Record<'local' | 'cached' | 'inPlace', number[]>> {
  const disk = ctx.guest.disk;
  const sha256 = createHash('sha256').update(readFileSync(disk)).digest('hex');
  const server = await startServer(disk);
  const h = benchHome(ctx, 'art-start');
  const sup = createSupervisor({ home: h.home, env: h.env, driverConfig: () => DEFAULT_DRIVER_CONFIG });
  // Nomad's default destination is local/ in the task directory: the image lands at local/disk.img.
  const artifactTask = (name: string) => ({
    ...guestTask(name),
    config: { ...(guestTask(name).config as Record<string, unknown>), image_path: 'local/disk.img' },
    artifacts: [{ source: `http://127.0.0.1:${server.port}/disk.img`, options: { checksum: `sha256:${sha256}` } }],
  });
  const writeTask = (name: string, task: Record<string, unknown>, withDisk: boolean) => {
    const dir = join(h.tasks, name);
    mkdirSync(dir, { recursive: true });
    if (withDisk) copyFileSync(disk, join(dir, 'disk.img'), constants.COPYFILE_FICLONE);
    const file = join(dir, 'task.json');
    writeFileSync(file, JSON.stringify(task, null, 2) + '\n');
    return file;
  };
  const fetchFor = async (taskFile: string) => {
    const task = await readTaskFile(taskFile);
    await fetchTaskArtifacts(task.artifacts, dirname(taskFile), { home: h.home, driverConfig: DEFAULT_DRIVER_CONFIG });
  };
  const startToQmp = async (name: string, taskFile: string, fetch: boolean): Promise<number> => {
    const t0 = nowMs();
    if (fetch) await fetchFor(taskFile);
    await sup.start({ taskFile });
    const ms = nowMs() - t0;
    await sup.stop(name, { force: true });
    return ms;
  };
  try {
    // Fill the cache (not timed): one fetch downloads the image.
    await fetchFor(writeTask('fill', artifactTask('fill'), false));
    const inPlaceFile = writeTask('inplace', artifactTask('inplace'), false);
    await fetchFor(inPlaceFile);
    const localFile = writeTask('local', guestTask('local'), true);
    let n = 0;
    const s = await runSchedule<'local' | 'cached' | 'inPlace'>(alternation(['local', 'cached', 'inPlace'] as const, ctx.rounds * 2, ctx.warmupRounds), async (variant): Promise<RunOutput> => {
      if (variant === 'local') return { ms: await startToQmp('local', localFile, false) };
      if (variant === 'inPlace') return { ms: await startToQmp('inplace', inPlaceFile, true) };
      const name = `cached-${n++}`;
      const file = writeTask(name, artifactTask(name), false);
      try {
        return { ms: await startToQmp(name, file, true) };
      } finally {
        await sup.destroy(name, { force: true, removeLogs: true }).catch(() => undefined);
        rmSync(dirname(file), { recursive: true, force: true });
      }
    });
    return { local: s.local.ms!, cached: s.cached.ms!, inPlace: s.inPlace.ms! };
  } finally {
    await sup.close();
    server.stop();
  }
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const mib = ctx.quick ? 128 : 512;
  const dir = ctx.tempDir('vmdesk-bench-artifacts');
  const src = join(dir, 'disk.img');
  const sha256 = writeSource(src, mib);
  const size = statSync(src).size;
  const server = await startServer(src);
  const url = `http://127.0.0.1:${server.port}/disk.img`;
  const artifact = normaliseArtifact(artifactSchema.parse({ source: url, options: { checksum: `sha256:${sha256}` } }));
  try {
    let n = 0;
    // http: vmdesk's HTTP download alone (httpGet into a .part file, hashing as it goes), no cache or copy.
    const schedule = alternation(['curl', 'vmdesk', 'http'] as const, ctx.rounds, ctx.warmupRounds);
    const dl = await runSchedule<'curl' | 'vmdesk' | 'http'>(schedule, async (variant): Promise<RunOutput> => {
      const runDir = join(dir, `run-${n++}`);
      const taskDir = join(runDir, 'task');
      mkdirSync(taskDir, { recursive: true });
      try {
        if (variant === 'curl') return { mbps: size / MB / ((await runTimed('curl', ['-s', '-o', join(taskDir, 'disk.img'), url])) / 1000) };
        if (variant === 'http') {
          const t0 = nowMs();
          const got = await httpGet({ url, partFile: join(taskDir, 'disk.img.part'), maxBytes: 64 * GIB, hashAlgorithm: 'sha256' });
          const ms = nowMs() - t0;
          if (got.status !== 'downloaded' || got.hex !== sha256) throw new Error('httpGet did not download the file with its sha256');
          return { mbps: size / MB / (ms / 1000) };
        }
        const t0 = nowMs();
        const got = await fetchArtifact(artifact, 0, { home: join(runDir, 'home'), taskDir, imageDirs: [], maxBytes: 64 * GIB });
        const ms = nowMs() - t0;
        if (got.downloadedBytes !== size) throw new Error(`vmdesk downloaded ${got.downloadedBytes} of ${size} bytes`);
        return { mbps: size / MB / (ms / 1000) };
      } finally {
        rmSync(runDir, { recursive: true, force: true });
      }
    });
    const sums = await runSchedule<'sha256sum' | 'vmdesk'>(alternation(['sha256sum', 'vmdesk'] as const, ctx.rounds, ctx.warmupRounds), async (variant): Promise<RunOutput> => {
      const t0 = nowMs();
      if (variant === 'sha256sum') await runTimed('sha256sum', [src]);
      else if ((await hashFile(src, 'sha256')) !== sha256) throw new Error('hashFile gave a different sha256');
      return { sPerGiB: (nowMs() - t0) / 1000 / (size / GIB) };
    });
    return {
      figures: [
        figure(
          { id: 'artifacts.download', group: 'Artifacts', title: `Download throughput, ${mib} MiB over local HTTP`, unit: 'MB/s', note: 'vmdesk: download to the cache, sha256 verify, copy into the task dir (the whole fetch); curl: download only' },
          dl.vmdesk.mbps!,
          { label: 'curl -o', samples: dl.curl.mbps! },
        ),
        figure(
          { id: 'artifacts.download.http', group: 'Artifacts', title: `of which: the HTTP download alone, ${mib} MiB`, unit: 'MB/s', note: 'httpGet into a .part file with the sha256 computed as the bytes arrive (src/main/artifacts/http-get.ts); no cache entry, no copy into the task dir' },
          dl.http.mbps!,
          { label: 'curl -o', samples: dl.curl.mbps! },
        ),
        figure({ id: 'artifacts.checksum', group: 'Artifacts', title: 'sha256 cost', unit: 's/GiB' }, sums.vmdesk.sPerGiB!, { label: 'sha256sum', samples: sums.sha256sum.sPerGiB! }),
      ],
    };
  } finally {
    server.stop();
  }
}

/** The download and checksum figures, then the start figures. */
async function runAll(ctx: SuiteContext): Promise<SuiteOutput> {
  const first = await run(ctx);
  const st = await startCached(ctx);
  const mib = (statSync(ctx.guest.disk).size / 1048576).toFixed(0);
  const local = { label: 'the same image already in the task directory: start() alone', samples: st.local };
  return {
    figures: [
      ...first.figures,
      figure({ id: 'artifacts.start-cached', group: 'Artifacts', title: `start to QMP ready from a cached artifact (${mib} MiB test guest), new task directory`, unit: 'ms', note: 'the fetch of the task\'s artifacts finds the sha256 in the cache and copies the image into the task directory (a copy, never a link: the VM writes its image; a reflink where the file system has them, not on this ext4), then start()' }, st.cached, local),
      figure({ id: 'artifacts.start-in-place', group: 'Artifacts', title: 'start to QMP ready of a task whose artifact is already in place (a restart)', unit: 'ms', note: 'the placement record names the file and it exists: no copy, no download' }, st.inPlace, local),
    ],
  };
}

/** Download throughput against curl, checksum cost against sha256sum. */
export const artifactsSuite: Suite = {
  name: 'artifacts',
  promises: [
    { id: 'artifacts.download', group: 'Artifacts', title: 'Download throughput over local HTTP' },
    { id: 'artifacts.checksum', group: 'Artifacts', title: 'sha256 cost' },
    { id: 'artifacts.start-cached', group: 'Artifacts', title: 'start to QMP ready from a cached artifact, new task directory' },
    { id: 'artifacts.start-in-place', group: 'Artifacts', title: 'start to QMP ready of a task whose artifact is already in place (a restart)' },
  ],
  run: runAll,
};
