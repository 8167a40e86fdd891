// What to do about an error, by its stable code: shown under the message the main process sent.
import type { ErrorCode, ErrorData } from '../../../shared/errors';

const HINTS: Partial<Record<ErrorCode, string>> = {
  INVALID_TASK: 'Fix the highlighted field and save again.',
  INVALID_DRIVER_CONFIG: 'Fix the driver setting in Settings and save again.',
  IMAGE_NOT_ALLOWED: 'Use "Allow this folder…" next to the image (vmdesk asks before adding the folder to "Image paths" in Settings), or add it there yourself.',
  IMAGE_NOT_FOUND: 'Check the path, or pick the image again with "Choose image…".',
  IMAGE_INVALID: 'Check that the file is a disk image QEMU can read (qcow2, raw, …); `qemu-img info` shows what it is.',
  EMULATOR_NOT_FOUND: 'Install QEMU for this architecture (see Health), or choose another emulator.',
  EMULATOR_NOT_ALLOWED: 'Choose an allowed emulator, or add it to "Emulators allowlist" in Settings.',
  ARG_NOT_ALLOWED: 'Remove the option, or add it to "Args allowlist" in Settings.',
  PORT_INVALID: 'Use a host port from 1 to 65535, or leave it empty to pick a free one.',
  PORT_IN_USE: 'Choose another host port, or leave it empty so vmdesk picks a free one.',
  SOCKET_PATH_TOO_LONG: 'Use a shorter VM name or a shorter VMDESK_RUNTIME_DIR.',
  ACCELERATOR_UNAVAILABLE: 'Use the tcg accelerator (Health shows which accelerators this host supports).',
  VM_NOT_FOUND: 'The VM was removed; refresh the list.',
  VM_EXISTS: 'Choose another name.',
  VM_RUNNING: 'Stop the VM first.',
  VM_NOT_RUNNING: 'Start the VM first.',
  VM_LOCKED: 'Another vmdesk process is working on this VM; wait a moment and try again.',
  START_FAILED: 'Read the last lines of QEMU’s output in Overview or Logs, fix the setting, and start again.',
  STOP_FAILED: 'Try "Force stop".',
  QMP_ERROR: 'QEMU refused the command; the Logs tab shows its output.',
  AGENT_ERROR: 'Check that the guest runs qemu-guest-agent and that "Guest agent" is on.',
  AGENT_TIMEOUT: 'The guest agent did not answer: the guest may still be booting, or does not run qemu-guest-agent.',
  STATE_CORRUPT: 'Delete the VM (keeping its logs) and create it again.',
  RUNTIME_DIR_UNSAFE: 'The folder for the VM sockets is not private to you: fix it as the message says (chmod 700, or set VMDESK_RUNTIME_DIR to a folder made with mkdir -m 700), then restart vmdesk.',
  HOME_NOT_WRITABLE: 'vmdesk cannot write its VM files: make the folder named above writable for you, then try again.',
  NOMAD_ERROR: 'Check the Nomad address and token (403 means the token is wrong or lacks permission) and that Nomad is reachable; Nomad’s own answer is above.',
  IMPORT_FAILED: 'Pick a Nomad job file (.nomad, .hcl or .json), or paste the job’s text instead.',
  FORBIDDEN_SENDER: 'Restart vmdesk.',
  BAD_REQUEST: 'This is a vmdesk bug; please report it with the message above.',
  ARTIFACT_FAILED: 'Check the artifact’s source URL and your network, then start again: a partial download resumes where it stopped.',
  CHECKSUM_MISMATCH: 'The download is not the file the task names: check options.checksum against the publisher’s checksum list.',
  ARTIFACT_UNSAFE: 'The archive tries to write outside its destination or is too large; do not use it.',
  CANCELLED: 'Start again to resume the download.',
  INTERNAL: 'This is a vmdesk bug; please report it with the message above.',
};

/** The advice for an error code, if there is one. */
export function hintFor(error: Pick<ErrorData, 'code'>): string | undefined {
  return HINTS[error.code];
}
