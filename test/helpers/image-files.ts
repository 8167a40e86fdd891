// Real image fixtures, made with qemu-img in temp dirs.
import { execFileSync } from 'node:child_process';

/** `qemu-img create -f <format> [extra] <path> <size>`. */
export function createImage(path: string, format = 'qcow2', size = '16M', extra: string[] = []): string {
  // LUKS key setup times PBKDF with getrusage; on a loaded machine QEMU can measure nothing and refuse
  // ("Unable to get accurate CPU usage"): that is the machine, not the image, so try again.
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync('qemu-img', ['create', '-q', '-f', format, ...extra, path, size], { stdio: ['ignore', 'pipe', 'pipe'] });
      return path;
    } catch (err) {
      if (attempt >= 5 || !/Unable to get accurate CPU usage/.test(String((err as { stderr?: Buffer }).stderr ?? ''))) throw err;
    }
  }
}

/** A qcow2 whose backing file is `backing` (format `backingFormat`). */
export function createOverlay(path: string, backing: string, backingFormat = 'qcow2'): string {
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', backing, '-F', backingFormat, path]);
  return path;
}
