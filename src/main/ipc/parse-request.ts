// Parses one IPC request before any work: arity, plain-JSON shape, size, then the channel's zod schema.
// The renderer is untrusted (DESIGN.md, security model): nothing reaches a handler unparsed.
import { z } from 'zod';
import { invokeContract, type InvokeInput, type InvokeName } from '../../shared/ipc-contract';
import type { ErrorData } from '../../shared/errors';
import { formatIssue } from '../../shared/schema-helpers';
import { TASK_FILE_MAX_BYTES } from '../../shared/limits';

/** Largest request accepted, in bytes of its JSON form (a task file is at most 1 MiB; a bit of room for the envelope). */
export const IPC_REQUEST_MAX_BYTES = TASK_FILE_MAX_BYTES + 64 * 1024;
/** Deepest nesting accepted in a request. */
export const IPC_REQUEST_MAX_DEPTH = 32;

/** Result of parsing: the handler's input, or BAD_REQUEST. */
export type ParsedRequest<K extends InvokeName> = { ok: true; value: InvokeInput<K> } | { ok: false; error: ErrorData };

const bad = (message: string, field?: string): { ok: false; error: ErrorData } => ({
  ok: false,
  error: field ? { code: 'BAD_REQUEST', message, field } : { code: 'BAD_REQUEST', message },
});

/**
 * Why `value` is not plain JSON data (null, booleans, finite numbers, strings, arrays, plain objects), or
 * undefined when it is. Structured clone lets Maps, Dates, typed arrays and cycles through; we do not.
 */
export function plainJsonProblem(value: unknown, depth = 0, seen: Set<object> = new Set()): string | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'numbers must be finite';
  if (typeof value !== 'object') return `a ${typeof value} is not allowed`;
  if (depth >= IPC_REQUEST_MAX_DEPTH) return `nested deeper than ${IPC_REQUEST_MAX_DEPTH} levels`;
  if (seen.has(value)) return 'a value refers to itself';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (const item of value) {
        const p = plainJsonProblem(item, depth + 1, seen);
        if (p) return p;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return 'only plain objects and arrays are allowed';
    for (const item of Object.values(value)) {
      // undefined inside objects means "absent" (the preload passes optional fields as given).
      if (item === undefined) continue;
      const p = plainJsonProblem(item, depth + 1, seen);
      if (p) return p;
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}

/** Parses the raw arguments of an invoke on channel `name` (what followed the event in ipcMain.handle). */
export function parseRequest<K extends InvokeName>(name: K, args: readonly unknown[]): ParsedRequest<K> {
  if (args.length > 1) return bad(`${name}: takes at most one argument, got ${args.length}`);
  const raw = args[0];
  if (raw !== undefined) {
    const problem = plainJsonProblem(raw);
    if (problem) return bad(`${name}: the request must be plain JSON data (${problem})`);
    const size = JSON.stringify(raw).length;
    if (size > IPC_REQUEST_MAX_BYTES) {
      return bad(`${name}: the request is too large (${size} bytes; at most ${IPC_REQUEST_MAX_BYTES})`);
    }
  }
  const schema = invokeContract[name].request;
  if (schema instanceof z.ZodUndefined && raw !== undefined) return bad(`${name}: takes no arguments`);
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = formatIssue(result.error.issues[0]!);
    const message = issue.field ? `${name}: ${issue.message}` : `${name}: request ${issue.message}`;
    return bad(message, issue.field || undefined);
  }
  return { ok: true, value: result.data as InvokeInput<K> };
}
