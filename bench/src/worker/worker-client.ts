// Forks a supervisor worker (out/bench/supervisor-worker.js) and talks to it: requests with ids, notices.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { nowMs } from '../lib/clock';
import type { Notice, Reply, Request } from './protocol';

type Op = Request extends infer R ? (R extends { op: infer O } ? O : never) : never;
type Args<O extends Op> = Omit<Extract<Request, { op: O }>, 'id' | 'op'>;

/** A running worker. */
export interface Worker {
  pid: number;
  /** Monotonic ms of the fork, and of the worker's ready notice. */
  launchedAt: number;
  readyAt: number;
  call<T>(op: Op, args?: Record<string, unknown>): Promise<T>;
  /** Resolves with the next notice of that kind. */
  next<K extends Notice['notice']>(kind: K): Promise<Extract<Notice, { notice: K }>>;
  kill(): Promise<void>;
}

/** Forks a worker with `env` and waits until its supervisor is created. */
export async function forkWorker(root: string, env: NodeJS.ProcessEnv): Promise<Worker> {
  const launchedAt = nowMs();
  const child: ChildProcess = fork(join(root, 'out', 'bench', 'supervisor-worker.js'), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const waiters: Array<{ kind: string; resolve: (n: Notice) => void }> = [];
  let nextId = 1;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.on('message', (m) => {
    if ('notice' in (m as object)) {
      const n = m as Notice;
      const i = waiters.findIndex((w) => w.kind === n.notice);
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(n);
      return;
    }
    const r = m as Reply;
    const p = pending.get(r.id);
    pending.delete(r.id);
    if (r.ok) p?.resolve(r.value);
    else p?.reject(new Error(r.error));
  });
  void exited.then(() => {
    for (const p of pending.values()) p.reject(new Error('the supervisor worker exited'));
    pending.clear();
  });
  const next = <K extends Notice['notice']>(kind: K) => new Promise<Extract<Notice, { notice: K }>>((resolve) => waiters.push({ kind, resolve: resolve as (n: Notice) => void }));
  const ready = await Promise.race([next('ready'), exited.then(() => undefined)]);
  if (!ready) throw new Error('the supervisor worker exited before it was ready');
  return {
    pid: child.pid!,
    launchedAt,
    readyAt: ready.at,
    call<T>(op: Op, args: Args<Op> | Record<string, unknown> = {}) {
      return new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, op, ...args });
      });
    },
    next,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
