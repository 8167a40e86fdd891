// The unix socket path limit: sun_path holds 108 bytes on Linux and 104 on macOS, including the terminating
// NUL, so a usable path is at most 107 (103) bytes. Nomad's check (validateSocketPath) is off by one.
import { SOCKET_PATH_MAX } from '../../shared/limits';
import { VmdeskError } from '../../shared/errors';
import type { VmPaths } from '../../shared/plan';

/** The longest usable socket path in bytes on `platform` (sun_path size minus the NUL). */
export function maxSocketPathBytes(platform: NodeJS.Platform): number {
  return (SOCKET_PATH_MAX[platform] ?? SOCKET_PATH_MAX.linux!) - 1;
}

/** The socket paths of a VM, in argv order. */
export function socketPathsOf(paths: VmPaths): string[] {
  return [paths.consoleSocket, paths.qmpSocket, ...(paths.qmpSocket2 ? [paths.qmpSocket2] : []), ...(paths.agentSocket ? [paths.agentSocket] : [])];
}

/** Throws SOCKET_PATH_TOO_LONG for the first socket path that does not fit, with how to fix it. */
export function checkSocketPaths(paths: VmPaths, platform: NodeJS.Platform, extra: readonly string[] = []): void {
  const max = maxSocketPathBytes(platform);
  for (const p of [...socketPathsOf(paths), ...extra]) {
    const bytes = new TextEncoder().encode(p).length;
    if (bytes > max) {
      throw new VmdeskError(
        'SOCKET_PATH_TOO_LONG',
        `socket path ${p} is ${bytes} bytes; unix sockets allow at most ${max} on ${platform}. ` +
          'Use a shorter VM name or set VMDESK_RUNTIME_DIR to a short directory (such as /tmp/vd).',
        'name',
      );
    }
  }
}
