// Errors of the QMP and guest-agent clients, so callers can tell "QEMU said no" from "QEMU is gone".

/** QEMU answered the command with an error (`{"error": {"class": ..., "desc": ...}}`). */
export class QmpCommandError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    readonly desc: string,
  ) {
    super(`QMP ${command} failed: ${desc} (${errorClass})`);
    this.name = 'QmpCommandError';
  }
}

/** The socket closed (QEMU exited or dropped us) before the answer arrived. */
export class QmpDisconnectedError extends Error {
  constructor(readonly command: string | undefined, detail?: string) {
    super(`${command ? `QMP ${command}: ` : ''}connection closed${detail ? ` (${detail})` : ''}`);
    this.name = 'QmpDisconnectedError';
  }
}

/** No answer within the call's deadline. */
export class QmpTimeoutError extends Error {
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`${command}: no answer within ${timeoutMs} ms`);
    this.name = 'QmpTimeoutError';
  }
}
