// The QEMU arguments for a task's `display` (vmdesk's own option; Nomad runs every guest with -nographic).
// "vnc": a graphics device plus QEMU's VNC server on a unix socket in the VM's private runtime directory
// (0700; QEMU creates the socket under the supervisor's umask 0177, so 0600). Never a TCP port. Pure.
import { join } from 'node:path';
import type { DisplayType } from '../../shared/task';
import type { VmPaths } from '../../shared/plan';
import { optValue } from '../driver/qemu-syntax';

/** The VNC server's unix socket of a VM (only listened on when its display is "vnc"). */
export function vncSocketOf(paths: Pick<VmPaths, 'runtimeDir'>): string {
  return join(paths.runtimeDir, 'vnc.sock');
}

/** True for the emulators whose machines have a legacy VGA slot (`-vga std`); others get virtio-gpu. */
function hasVga(emulator: string): boolean {
  return emulator === 'x86_64' || emulator === 'i386';
}

/**
 * The argv for `display`: nothing for "none" (QEMU's default VGA on PC machines still exists, so a
 * screenshot works there too); for "vnc" an explicit graphics device (survives `-nodefaults` in args) and
 * `-vnc unix:<socket>`. -nographic stays: it only turns off QEMU's own window, not the VNC server.
 */
export function displayArgs(display: DisplayType, paths: Pick<VmPaths, 'runtimeDir'>, emulator: string): string[] {
  if (display !== 'vnc') return [];
  const device = hasVga(emulator) ? ['-vga', 'std'] : ['-device', 'virtio-gpu-pci'];
  return [...device, '-vnc', `unix:${optValue(vncSocketOf(paths))}`];
}
