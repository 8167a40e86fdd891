// Runs real QEMU from a plan and talks to it over the plan's real QMP socket. Every process started here is
// tracked; killAll() SIGKILLs whatever is still running (call it in afterEach/afterAll).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import type { Plan } from '../../src/shared/plan';

const running = new Set<ChildProcess>();

/** The result of one run. */
export interface QemuRun {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts QEMU with the plan's binary and argv exactly (creating the VM and runtime dirs as the supervisor would). */
export async function startPlan(plan: Plan): Promise<QemuRun> {
  await mkdir(plan.paths.runtimeDir, { recursive: true, mode: 0o700 });
  await mkdir(plan.paths.vmDir, { recursive: true });
  return startQemu(plan.binary, plan.argv);
}

/** Starts any QEMU argv, tracked for cleanup. */
export function startQemu(binary: string, argv: string[]): QemuRun {
  const child = spawn(binary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stderr });
    });
  });
  return { child, exit };
}

/** SIGKILLs every QEMU still running. */
export function killAll(): void {
  for (const c of running) c.kill('SIGKILL');
}

/** Polls until `cond()` is true or the deadline passes. */
export async function waitFor(cond: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Connects to a unix socket, retrying while it is bound but not yet listening (ECONNREFUSED) or not there yet. */
async function connectWithRetry(path: string, deadlineMs = 30_000): Promise<Socket> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect(path);
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ECONNREFUSED' && code !== 'ENOENT') || Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Connects to a QMP socket, negotiates capabilities, runs `commands` in order and returns their replies
 * (events skipped). A minimal client for tests; the product's QMP client lives in src/main/qmp.
 */
export async function qmp(socketPath: string, commands: Array<{ execute: string; arguments?: unknown }>): Promise<unknown[]> {
  await waitFor(() => existsSync(socketPath), `QMP socket ${socketPath}`);
  const sock = await connectWithRetry(socketPath);
  return new Promise((resolve, reject) => {
    const replies: unknown[] = [];
    let buf = '';
    let greeted = false;
    const queue = [{ execute: 'qmp_capabilities' }, ...commands];
    const sendNext = () => {
      const c = queue.shift();
      if (c) sock.write(`${JSON.stringify(c)}\n`);
    };
    sock.on('data', (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
        buf = buf.slice(nl + 1);
        if ('QMP' in msg && !greeted) {
          greeted = true;
          sendNext();
        } else if ('return' in msg || 'error' in msg) {
          replies.push(msg);
          if (replies.length === commands.length + 1) {
            sock.end();
            resolve(replies.slice(1));
          } else sendNext();
        }
      }
    });
    sock.on('error', reject);
    sock.on('close', () => {
      if (replies.length < commands.length + 1) resolve(replies.slice(1));
    });
  });
}
