// One clock for every measurement: CLOCK_MONOTONIC in milliseconds (process.hrtime), which is the same
// clock in every process on the machine, so a time stamped in a child process compares with ours.

/** Now, in ms on the monotonic clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every `everyMs` until it is truthy; throws `what` after `deadlineMs`. */
export async function waitUntil<T>(cond: () => T | Promise<T>, what: string, deadlineMs: number, everyMs = 20): Promise<NonNullable<T>> {
  const end = nowMs() + deadlineMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (nowMs() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** `p`, or "timeout" after `ms` (the timer is cleared either way, so it never keeps the process alive). */
export async function orTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
