// Artifacts. Download: vmdesk's fetch of an http:// artifact with a sha256 checksum (download into the
// cache's .part file, verify, rename into the cache, copy into the task directory: what `vmdesk fetch`
// does) against `curl -o` of the same URL, both from one local HTTP server in a child process (so that the
// server does not share the fetcher's event loop). Checksum: vmdesk's hashFile against `sha256sum` of
// the same file, in seconds per GiB. Each vmdesk run uses a fresh home, so nothing comes from the cache.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fetchArtifact } from '../../../src/main/artifacts/fetch-artifact';
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
    const schedule = alternation(['curl', 'vmdesk'] as const, ctx.rounds, ctx.warmupRounds);
    const dl = await runSchedule<'curl' | 'vmdesk'>(schedule, async (variant): Promise<RunOutput> => {
      const runDir = join(dir, `run-${n++}`);
      const taskDir = join(runDir, 'task');
      mkdirSync(taskDir, { recursive: true });
      try {
        if (variant === 'curl') return { mbps: size / MB / ((await runTimed('curl', ['-s', '-o', join(taskDir, 'disk.img'), url])) / 1000) };
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
        figure({ id: 'artifacts.checksum', group: 'Artifacts', title: 'sha256 cost', unit: 's/GiB' }, sums.vmdesk.sPerGiB!, { label: 'sha256sum', samples: sums.sha256sum.sPerGiB! }),
      ],
      missingReasons: { 'artifacts.start-cached': 'not measured yet: start from a cached artifact against a local file needs the start-stop suite to take an artifact task' },
    };
  } finally {
    server.stop();
  }
}

/** Download throughput against curl, checksum cost against sha256sum. */
export const artifactsSuite: Suite = {
  name: 'artifacts',
  promises: [
    { id: 'artifacts.download', group: 'Artifacts', title: 'Download throughput over local HTTP' },
    { id: 'artifacts.checksum', group: 'Artifacts', title: 'sha256 cost' },
    { id: 'artifacts.start-cached', group: 'Artifacts', title: 'Start from a cached artifact, added to a local file' },
  ],
  run,
};
