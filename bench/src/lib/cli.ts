// Runs the built `vmdesk` command (bin/vmdesk.js -> out/cli/vmdesk.js) as a whole process.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { nowMs } from './clock';

/** How a command ended, with its output and the monotonic ms at which it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  exitedAt: number;
}

/** Runs `vmdesk args...`; rejects when it exits non-zero. */
export function vmdesk(root: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'vmdesk.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      const exitedAt = nowMs();
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`vmdesk ${args.join(' ')} exited ${code}: ${(stderr || stdout).trim().slice(0, 400)}`));
      else resolve({ code, stdout, stderr, exitedAt });
    });
  });
}
