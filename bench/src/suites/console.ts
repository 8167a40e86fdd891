// Console pipeline. QEMU itself appends every console byte to the VM's log file (chardev logfile=, see the
// argv contract); vmdesk's part is following that file for live subscribers. Stand-in for the guest +
// QEMU: `cat` appending N MiB of console-shaped text to the VM's console.log (O_APPEND, as QEMU's chardev
// log; the same writer as the baseline, so the difference is vmdesk's). vmdesk: a supervisor in a worker process with
// one live subscriber (subscribeConsole from offset 0, counting bytes); the run ends when the
// subscriber has every byte. Baseline: `cat` of the same file to a file. Then live latency: a stand-in
// writes 500 time-stamped lines/s; latency = subscriber receipt - write (same monotonic clock).
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { vmPaths } from '../../../src/main/store/paths';
import { nowMs, sleep } from '../lib/clock';
import { writeConsoleFile } from '../lib/console-text';
import { memoryOf } from '../lib/proc-stats';
import { figure, type Figure } from '../lib/results';
import { alternation, runSchedule, type RunOutput } from '../lib/schedule';
import { percentile } from '../lib/stats';
import { benchHome } from '../lib/vmdesk-env';
import { forkWorker } from '../worker/worker-client';
import type { ReceivedResult } from '../worker/protocol';
import type { Suite, SuiteContext, SuiteOutput } from '../suite';

const NAME = 'con';
const MB = 1e6;

function runProcess(cmd: string, args: string[], stdoutFd?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', stdoutFd ?? 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(nowMs()) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

async function catToFile(src: string, dst: string): Promise<number> {
  rmSync(dst, { force: true });
  const fd = openSync(dst, 'w');
  try {
    const t0 = nowMs();
    const t1 = await runProcess('cat', [src], fd);
    return t1 - t0;
  } finally {
    closeSync(fd);
    rmSync(dst, { force: true });
  }
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const mib = ctx.quick ? 64 : 256;
  const h = benchHome(ctx, 'console');
  const src = join(h.home, 'console-source.txt');
  writeConsoleFile(src, mib);
  const size = statSync(src).size;
  const srcHash = createHash('sha1').update(readFileSync(src)).digest('hex');
  const paths = vmPaths(h.home, NAME, { disposable: false, guestAgent: false }, h.env);
  mkdirSync(paths.vmDir, { recursive: true });
  const catDst = join(h.home, 'cat-copy.txt');
  const lost: number[] = [];
  const peakRss: number[] = [];
  const idleRss: number[] = [];

  // Timed runs: the subscriber counts bytes (what it does with them is not vmdesk's cost). One more,
  // untimed run hashes every byte it receives: integrity, for the bytes-lost figure.
  const schedule = [...alternation(['cat', 'vmdesk'] as const, ctx.rounds, ctx.warmupRounds), { variant: 'verify' as const, round: -1, warmup: false }];
  const samples = await runSchedule<'cat' | 'vmdesk' | 'verify'>(schedule, async (variant, at): Promise<RunOutput> => {
    if (variant === 'cat') return { mbps: size / MB / ((await catToFile(src, catDst)) / 1000) };
    const hash = variant === 'verify';
    rmSync(paths.consoleLog, { force: true });
    const w = await forkWorker(ctx.root, h.env);
    try {
      await w.call('subscribe', { name: NAME, expectBytes: size, latencyLines: 0, hash });
      await sleep(200);
      const before = memoryOf(w.pid);
      const all = w.next('all-received');
      const t0 = nowMs();
      const logFd = openSync(paths.consoleLog, 'a', 0o600);
      try {
        await runProcess('cat', [src], logFd);
      } finally {
        closeSync(logFd);
      }
      // Every byte, or no progress for 10 s (then what arrived is what arrived).
      let got: { at: number; bytes: number; hash: string } | undefined;
      let last = -1;
      while (!got) {
        got = await Promise.race([all, sleep(10_000).then(() => undefined)]);
        if (got) break;
        const r = await w.call<ReceivedResult>('received');
        if (r.bytes === last) {
          got = { at: Number.NaN, ...r };
          break;
        }
        last = r.bytes;
      }
      const after = memoryOf(w.pid);
      lost.push(size - got.bytes + (!hash || got.hash === srcHash || got.bytes !== size ? 0 : size));
      if (hash || at.warmup) return {};
      if (before) idleRss.push(before.rss / MB);
      if (after) peakRss.push(after.peak / MB);
      return Number.isNaN(got.at) ? {} : { mbps: size / MB / ((got.at - t0) / 1000) };
    } finally {
      await w.call('close').catch(() => undefined);
      await w.kill();
    }
  });

  // Live latency: a fresh worker, a subscriber, a stand-in writing time-stamped lines.
  const lines = ctx.quick ? 1000 : 3000;
  rmSync(paths.consoleLog, { force: true });
  const w = await forkWorker(ctx.root, h.env);
  let latencies: number[];
  try {
    await w.call('subscribe', { name: NAME, expectBytes: 0, latencyLines: lines, hash: false });
    await sleep(200);
    const got = w.next('latencies');
    await runProcess(process.execPath, [join(ctx.root, 'bench', 'console-writer.mjs'), paths.consoleLog, String(lines), '2']);
    latencies = (await Promise.race([got, sleep(30_000).then(() => undefined)]))?.values ?? [];
    if (latencies.length < lines) throw new Error(`the live subscriber received ${latencies.length} of ${lines} latency lines`);
  } finally {
    await w.call('close').catch(() => undefined);
    await w.kill();
  }

  const group = 'Console';
  const figures: Figure[] = [
    figure({ id: 'console.throughput', group, title: `console to the log file and a live subscriber, ${mib} MiB`, unit: 'MB/s', note: 'stand-in: `cat` appending (O_APPEND) to the VM\'s console.log, as QEMU\'s chardev log does; vmdesk: supervisor worker process following the file (inotify) with one subscriber counting bytes; time until the subscriber has every byte' }, samples.vmdesk.mbps ?? [0], { label: '`cat` of the same bytes to a file', samples: samples.cat.mbps! }),
    figure({ id: 'console.lost', group, title: 'bytes lost (written − received, every run; plus one untimed run hashing what it received: a mismatch counts as all)', unit: 'bytes' }, lost),
    figure({ id: 'console.rss', group, title: 'supervisor worker peak RSS (VmHWM) while streaming', unit: 'MB' }, peakRss, { label: 'the same worker before the data', samples: idleRss }),
    figure({ id: 'console.latency', group, title: 'live console latency, line written to subscriber callback (p50 in the cell)', unit: 'ms', note: `${lines} lines at 500 lines/s, one append each; p99 = see target column (value.p99 in latest.json)` }, latencies),
    figure({ id: 'console.latency-p99', group, title: 'live console latency p99', unit: 'ms' }, [percentile(latencies, 99)]),
  ];
  return { figures, notes: [`Console pipeline: a stand-in (cat, appending) writes the console log instead of a guest; ${mib} MiB per run${ctx.quick ? ' (quick run; the full run uses 256 MiB)' : ''}. Log rotation is not exercised (it runs in a VM session, which the stand-in has not).`] };
}

/** The console pipeline suite. */
export const consoleSuite: Suite = {
  name: 'console',
  promises: [
    { id: 'console.throughput', group: 'Console', title: 'console to the log file and a live subscriber' },
    { id: 'console.lost', group: 'Console', title: 'bytes lost' },
    { id: 'console.latency', group: 'Console', title: 'live console latency' },
  ],
  run,
};
