// Messages between the bench and a supervisor worker process (bench/src/worker/supervisor-worker.ts).

/** A request; the worker answers with a Reply carrying the same id. */
export type Request =
  | { id: number; op: 'start'; taskFiles: string[] }
  | { id: number; op: 'recover' }
  | { id: number; op: 'kill-all' }
  | { id: number; op: 'subscribe'; name: string; expectBytes: number; latencyLines: number; hash: boolean }
  | { id: number; op: 'received' }
  | { id: number; op: 'close' };

/** The answer to a request. */
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Unsolicited news from the worker. */
export type Notice =
  | { notice: 'ready'; at: number }
  | { notice: 'all-received'; at: number; bytes: number; hash: string }
  | { notice: 'latencies'; values: number[] };

/** What `start` answers: how long starting them all together took inside the worker. */
export interface StartResult {
  ms: number;
  pids: number[];
}

/** What `recover` answers. */
export interface RecoverResult {
  ms: number;
  running: number;
  /** Running or paused (a guest started with "-S" is paused). */
  live: number;
}

/** What `received` answers. */
export interface ReceivedResult {
  bytes: number;
  hash: string;
}
