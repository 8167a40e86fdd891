// I/O edge: reads QEMU's firmware descriptors from the directories QEMU itself searches, in its order.
import { constants } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import { OVMF_PACKAGE_HINT, orderDescriptorFiles, parseFirmwareDescriptor, type FirmwareDescriptor } from './firmware';

/** The descriptor directories, lowest priority first (docs/interop/firmware.json). */
export function firmwareDescriptorDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.VMDESK_FIRMWARE_DIRS) return env.VMDESK_FIRMWARE_DIRS.split(':').filter(Boolean);
  return ['/usr/share/qemu/firmware', '/etc/qemu/firmware', join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'qemu', 'firmware')];
}

/** Every usable descriptor, in QEMU's priority order; unreadable or malformed files are skipped. */
export async function readFirmwareDescriptors(env: NodeJS.ProcessEnv = process.env): Promise<FirmwareDescriptor[]> {
  const found: Array<{ dir: string; name: string }> = [];
  for (const dir of firmwareDescriptorDirs(env)) {
    try {
      for (const name of await readdir(dir)) found.push({ dir, name });
    } catch {
      // a directory that does not exist: nothing from it
    }
  }
  const out: FirmwareDescriptor[] = [];
  for (const file of orderDescriptorFiles(found)) {
    try {
      const d = parseFirmwareDescriptor(file, JSON.parse(await readFile(file, 'utf8')));
      if (d) out.push(d);
    } catch {
      // malformed JSON: QEMU skips it too
    }
  }
  return out;
}

/** Refuses a planned firmware whose code or variable store template is missing (a descriptor left behind by a removed package). */
export async function checkFirmwareFiles(fw: { code: string; varsTemplate: string; descriptor: string } | undefined): Promise<void> {
  if (!fw) return;
  for (const f of [fw.code, fw.varsTemplate]) {
    try {
      await access(f, constants.R_OK);
    } catch {
      throw new VmdeskError('INVALID_TASK', `firmware "uefi": ${f} (named by ${fw.descriptor}) cannot be read; ${OVMF_PACKAGE_HINT}`, 'config.firmware');
    }
  }
}
