// What every command shares apart from the supervisor: argument parsing, error output, JSON output. Light on
// purpose (no supervisor, no schemas): the commands that start no VM import only this (issue #17).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { toErrorData, VmdeskError, type ErrorCode } from '../shared/errors';
import { UsageError, type CliIo } from './command';

/** parseArgs with usage errors turned into UsageError. */
export function parseCli<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Error codes that mean "your input is wrong" (exit 2) rather than "it failed" (exit 1). */
const INPUT_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INVALID_TASK',
  'INVALID_DRIVER_CONFIG',
  'IMAGE_NOT_ALLOWED',
  'IMAGE_NOT_FOUND',
  'IMAGE_INVALID',
  'EMULATOR_NOT_FOUND',
  'EMULATOR_NOT_ALLOWED',
  'ARG_NOT_ALLOWED',
  'PORT_INVALID',
  'SOCKET_PATH_TOO_LONG',
  'ACCELERATOR_UNAVAILABLE',
  'BAD_REQUEST',
]);

/** Prints an error (JSON `{ok:false,error}` or `vmdesk CMD: message`) and returns the exit code. */
export function reportError(io: CliIo, command: string, err: unknown, json: boolean): number {
  if (err instanceof UsageError) throw err;
  const data = toErrorData(err);
  if (json) io.out(`${JSON.stringify({ ok: false, error: data })}\n`);
  else io.err(`vmdesk ${command}: ${data.message}\n`);
  return err instanceof VmdeskError && INPUT_ERRORS.has(err.code) ? 2 : 1;
}

/** Prints `{ok: true, ...payload}` as one line. */
export function printJson(io: CliIo, payload: Record<string, unknown>): void {
  io.out(`${JSON.stringify({ ok: true, ...payload })}\n`);
}

/** `NAME [--json] [options]`, the argument shape every VM command takes. */
export function parseVmArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  const { values, positionals } = parseCli(args, { ...options, json: { type: 'boolean' } });
  return { name: oneName(positionals), values, json: (values as { json?: boolean }).json === true };
}

/** Runs a command's work; a failure is printed (as JSON with --json) and becomes the exit code. */
export async function reporting(io: CliIo, command: string, json: boolean, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (err) {
    return reportError(io, command, err, json);
  }
}

/** Exactly one positional argument (`what` names it in the usage error). */
export function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`give exactly one ${what}`);
  return positionals[0]!;
}

/** Exactly one positional NAME, or a usage error. */
export function oneName(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give a VM name' : 'give exactly one VM name');
  return positionals[0]!;
}
