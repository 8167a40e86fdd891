// Starts bench/exit-watch.mjs on a pid: resolves `exited` with the monotonic ms at which the process was
// seen gone (within about a millisecond of its exit, scheduling permitting).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** A running exit observer. */
export interface ExitWatch {
  /** Monotonic ms of the exit. */
  exited: Promise<number>;
  cancel(): void;
}

/** Watches `pid`; resolves once the observer runs (so the caller can start the stop after it). */
export async function watchExit(root: string, pid: number, timeoutMs = 120_000): Promise<ExitWatch> {
  const child = spawn(process.execPath, [join(root, 'bench', 'exit-watch.mjs'), String(pid), String(timeoutMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const exited = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) onReady();
      const m = /exit (\S+)\n/.exec(out);
      if (m) resolve(Number(m[1]));
      else if (out.includes('timeout\n')) reject(new Error(`pid ${pid} did not exit within ${timeoutMs} ms`));
    });
    child.once('exit', () => {
      onReady();
      reject(new Error(`exit observer for pid ${pid} ended without a result`));
    });
  });
  exited.catch(() => undefined);
  await ready;
  return { exited, cancel: () => child.kill('SIGKILL') };
}
