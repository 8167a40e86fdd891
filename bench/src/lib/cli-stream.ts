// Runs the built `vmdesk` command as a whole process and timestamps its output as it arrives: each stderr line,
// and the first appearance of a string on stdout (the console that `vmdesk run` prints).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { nowMs } from './clock';

/** A running `vmdesk` process with its output timestamped (monotonic ms, as nowMs). */
export interface StreamingCli {
  child: ChildProcess;
  /** Monotonic ms at spawn. */
  startedAt: number;
  /** Every complete stderr line so far with the time it arrived. */
  stderrLines: Array<{ at: number; line: string }>;
  /** Resolves with the arrival time of the first stderr line matching `re`. */
  stderrLine(re: RegExp, timeoutMs: number): Promise<{ at: number; line: string }>;
  /** Resolves with the time `text` first appeared on stdout (split across chunks included). */
  stdoutText(text: string, timeoutMs: number): Promise<number>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Spawns `node bin/vmdesk.js args...` (stdin ignored) and timestamps its output. */
export function vmdeskStreaming(root: string, args: string[], env: NodeJS.ProcessEnv): StreamingCli {
  const startedAt = nowMs();
  const child = spawn(process.execPath, [join(root, 'bin', 'vmdesk.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderrLines: Array<{ at: number; line: string }> = [];
  const lineWaiters: Array<{ re: RegExp; resolve: (l: { at: number; line: string }) => void }> = [];
  const textWaiters: Array<{ text: string; resolve: (at: number) => void }> = [];
  let errBuf = '';
  let outTail = '';
  child.stderr!.on('data', (d: Buffer) => {
    const at = nowMs();
    errBuf += d.toString();
    let nl: number;
    while ((nl = errBuf.indexOf('\n')) >= 0) {
      const l = { at, line: errBuf.slice(0, nl) };
      errBuf = errBuf.slice(nl + 1);
      stderrLines.push(l);
      for (const w of lineWaiters.splice(0)) {
        if (w.re.test(l.line)) w.resolve(l);
        else lineWaiters.push(w);
      }
    }
  });
  child.stdout!.on('data', (d: Buffer) => {
    const at = nowMs();
    const keep = Math.max(0, ...textWaiters.map((w) => w.text.length)) + d.length;
    outTail = (outTail + d.toString('latin1')).slice(-keep);
    for (const w of textWaiters.splice(0)) {
      if (outTail.includes(w.text)) w.resolve(at);
      else textWaiters.push(w);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timeout = <T>(p: Promise<T>, ms: number, what: string) =>
    Promise.race([
      p,
      exited.then(() => Promise.reject(new Error(`vmdesk ${args[0]} exited before ${what}: ${stderrLines.slice(-5).map((l) => l.line).join(' | ')}`))),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`vmdesk ${args[0]}: no ${what} within ${ms} ms`)), ms).unref()),
    ]);
  return {
    child,
    startedAt,
    stderrLines,
    stderrLine: (re, ms) => {
      const seen = stderrLines.find((l) => re.test(l.line));
      if (seen) return Promise.resolve(seen);
      return timeout(new Promise((resolve) => lineWaiters.push({ re, resolve })), ms, `stderr line matching ${re}`);
    },
    stdoutText: (text, ms) => timeout(new Promise((resolve) => textWaiters.push({ text, resolve })), ms, `"${text}" on stdout`),
    exited,
  };
}
