// The shape of one `vmdesk` subcommand, and the I/O it is given (so tests can run commands in-process).

/** Streams a command writes to. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** One subcommand: `vmdesk <name> ...`. */
export interface Command {
  name: string;
  /** One line for `vmdesk help`. */
  summary: string;
  /** Usage line(s) shown by `vmdesk help <name>` and on a usage error. */
  usage: string;
  /** Runs the command; resolves to the process exit code (0 ok, 1 failure, 2 invalid input or usage). */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown for a wrong command line; main prints the message and the command's usage, exit 2. */
export class UsageError extends Error {}

/** The process's own stderr writer: only it may draw a progress bar (tests pass their own io). */
export const defaultErr = (text: string): void => {
  process.stderr.write(text);
};
