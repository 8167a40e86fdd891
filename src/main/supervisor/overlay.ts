// Disposable VMs run on a qcow2 overlay over the image (qemu-img create -b), so the image is never written.
import { chmodSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import type { Plan } from '../../shared/plan';

/** qemu-img next to the emulator binary, else from PATH. */
export function qemuImgFor(binary: string): string {
  const sibling = join(dirname(binary), 'qemu-img');
  return existsSync(sibling) ? sibling : 'qemu-img';
}

/** Creates the plan's overlay (backing file = the image, its format explicit). */
export async function createOverlay(plan: Plan): Promise<void> {
  const overlay = plan.paths.overlay;
  if (!overlay) return;
  // -F is required: never let QEMU probe the backing file's format (a raw image could pose as qcow2).
  // execa is loaded when first needed: importing it costs start-up time for every app and CLI launch.
  const { execa } = await import('execa');
  const r = await execa(qemuImgFor(plan.binary), ['create', '-q', '-f', 'qcow2', '-b', plan.image.path, '-F', plan.image.format, overlay], {
    reject: false,
    all: true,
  });
  if (r.exitCode !== 0) {
    throw new VmdeskError('START_FAILED', `cannot create the disposable overlay ${overlay}: ${String(r.all ?? r.stderr).trim() || `qemu-img exited with ${r.exitCode}`}`);
  }
  chmodSync(overlay, 0o600); // the guest's writes are as private as the image
}
