// A per-entry lock so two vmdesk processes never write the same part file: `tmp/<id>.lock` made with O_EXCL,
// holding the owner's pid; a lock whose pid is gone is stale and taken over. Waits (bounded) for a live holder.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { VmdeskError } from '../../shared/errors';
import { setTimeout as sleep } from 'node:timers/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock at `path`; resolves with its release. */
export async function lockFile(path: string, what: string, timeoutMs = 600_000, signal?: AbortSignal): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(readFileSafe(path));
    if (!Number.isInteger(pid) || pid <= 0 || (!alive(pid) && pid !== process.pid)) {
      rmSync(path, { force: true });
      continue;
    }
    if (signal?.aborted) throw new VmdeskError('CANCELLED', `waiting for ${what} cancelled`);
    if (Date.now() > deadline) throw new VmdeskError('ARTIFACT_FAILED', `${what} is being downloaded by another vmdesk process (pid ${pid}); try again when it is done`);
    await sleep(200);
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
