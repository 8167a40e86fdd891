// Real image fixtures, made with qemu-img in temp dirs.
import { execFileSync } from 'node:child_process';

/** `qemu-img create -f <format> [extra] <path> <size>`. */
export function createImage(path: string, format = 'qcow2', size = '16M', extra: string[] = []): string {
  execFileSync('qemu-img', ['create', '-q', '-f', format, ...extra, path, size]);
  return path;
}

/** A qcow2 whose backing file is `backing` (format `backingFormat`). */
export function createOverlay(path: string, backing: string, backingFormat = 'qcow2'): string {
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', backing, '-F', backingFormat, path]);
  return path;
}
