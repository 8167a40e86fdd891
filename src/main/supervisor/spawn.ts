// Spawns QEMU: node:child_process, detached in its own session/process group (it outlives vmdesk), stdin
// ignored and stdout/stderr going straight to the stderr log file's fd, so QEMU writes its own log with no
// pipe through this process (nothing is buffered here, nothing is lost if vmdesk dies). Not execa: loading
// it costs the app and the CLI 50-200 ms at start-up (bench: app start), and nothing here needs its extras.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Plan } from '../../shared/plan';

/** How a spawned QEMU ended. */
export interface ChildExit {
  code: number | null;
  signal: string | null;
}

/** A QEMU process this process spawned. */
export interface SpawnedQemu {
  pid: number;
  /** Resolves when the process exits (from the child's own exit notification: no polling). */
  exited: Promise<ChildExit>;
}

function startQemu(plan: Plan, logFd: number) {
  return spawn(plan.binary, plan.argv, {
    detached: true, // own session and process group: Ctrl-C in a terminal or the app dying does not reach it
    // Relative file names in the task's args resolve in the task's directory (where the driver checked them),
    // never in whatever directory vmdesk was started from.
    cwd: plan.taskDir ?? plan.paths.vmDir,
    // stdin ignored; a raw fd for stdout and stderr: no stream is created in this process.
    stdio: ['ignore', logFd, logFd],
  });
}

/**
 * Runs `fn` (which must spawn synchronously) with the process umask set to 0177 (sockets 0600, files 0600; QEMU creates no directories), so that every file and
 * socket the child creates is private to the user: QEMU binds its QMP/console/agent sockets and opens the
 * console log with mode 0666/0777 & ~umask, which would be 0755/0644 under the usual umask 022. A socket
 * other users could connect to is a root shell for the QEMU user (DESIGN.md, security model).
 */
export function withPrivateUmask<T>(fn: () => T): T {
  const previous = process.umask(0o177);
  try {
    return fn();
  } finally {
    process.umask(previous);
  }
}

/** Spawns QEMU per the plan; throws when the binary cannot be executed at all. */
export async function spawnQemu(plan: Plan): Promise<SpawnedQemu> {
  const fd = openSync(plan.paths.stderrLog, 'a', 0o600);
  let child: ReturnType<typeof startQemu>;
  try {
    child = withPrivateUmask(() => startQemu(plan, fd));
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', (err) => reject(new Error(`cannot run ${plan.binary}: ${err.message}`)));
  });
  // Let this process exit while QEMU runs on (the CLI's `start` returns; the VM stays up).
  child.unref();
  return { pid, exited };
}
