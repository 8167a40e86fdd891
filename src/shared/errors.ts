// Errors that cross module and process boundaries (CLI JSON, IPC) as data with a stable code.

/** Stable error codes; a client may switch on these. */
export type ErrorCode =
  | 'INVALID_TASK'
  | 'INVALID_DRIVER_CONFIG'
  | 'IMAGE_NOT_ALLOWED'
  | 'IMAGE_NOT_FOUND'
  | 'IMAGE_INVALID'
  | 'EMULATOR_NOT_FOUND'
  | 'EMULATOR_NOT_ALLOWED'
  | 'ARG_NOT_ALLOWED'
  | 'PORT_INVALID'
  | 'PORT_IN_USE'
  | 'SOCKET_PATH_TOO_LONG'
  | 'ACCELERATOR_UNAVAILABLE'
  | 'VM_NOT_FOUND'
  | 'VM_EXISTS'
  | 'VM_RUNNING'
  | 'VM_NOT_RUNNING'
  | 'VM_LOCKED'
  | 'START_FAILED'
  | 'STOP_FAILED'
  | 'QMP_ERROR'
  | 'SNAPSHOT_UNSUPPORTED'
  | 'SNAPSHOT_NOT_FOUND'
  | 'SNAPSHOT_FAILED'
  | 'AGENT_ERROR'
  | 'AGENT_TIMEOUT'
  | 'STATE_CORRUPT'
  | 'RUNTIME_DIR_UNSAFE'
  | 'HOME_NOT_WRITABLE'
  | 'IMPORT_FAILED'
  | 'NOMAD_ERROR'
  | 'FORBIDDEN_SENDER'
  | 'BAD_REQUEST'
  | 'ARTIFACT_FAILED'
  | 'CHECKSUM_MISMATCH'
  | 'ARTIFACT_UNSAFE'
  | 'CANCELLED'
  | 'INTERNAL';

/** The serialisable shape of an error: what `--json` prints and what IPC returns. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  /** Dotted path of the offending field in the task or config, when there is one (`config.port_map.http`). */
  field?: string;
}

/** An error with a stable code; thrown by domain code, turned into ErrorData at the edges. */
export class VmdeskError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'VmdeskError';
  }

  /** The data form, for JSON output and IPC. */
  toData(): ErrorData {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/** Turns anything thrown into ErrorData; unknown errors become INTERNAL with their message. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof VmdeskError) return err.toData();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}
