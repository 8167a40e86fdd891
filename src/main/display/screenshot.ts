// `vmdesk screenshot` and the app's Screenshot button: QMP `screendump` of a running VM's screen to a PNG.
// QEMU writes the file itself (the same user; under the supervisor's umask 0177, so 0600) next to the
// target, which is then renamed into place: a reader never sees half a PNG. QEMU 7.1+ writes PNG when asked
// (`format: "png"`); an older QEMU or one without libpng writes PPM, converted here (ppm.ts).
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import { QmpCommandError } from '../qmp/index';
import type { SupervisorApi } from '../supervisor/api';
import { makeEvent } from '../supervisor/vm-session';
import { ppmToPng } from './ppm';

/** What a screenshot wrote. */
export interface ScreenshotResult {
  path: string;
  bytes: number;
  /** "png" when QEMU wrote PNG itself, "ppm" when vmdesk converted QEMU's PPM. */
  from: 'png' | 'ppm';
  durationMs: number;
}

/** The file name `vmdesk screenshot NAME` writes when no --out is given: NAME-YYYYMMDD-HHMMSS.png. Pure. */
export function defaultScreenshotName(name: string, now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${name}-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}.png`;
}

/** QEMU's answer when the VM has no graphics device, as a message that says what to do. */
function noDisplayMessage(name: string, desc: string): string {
  return `${name} has no screen to capture (QEMU: ${desc}). Set "display": "vnc" in the task (it adds a VGA device), or remove -nodefaults / -vga none from its args, and restart it`;
}

/** Takes a screenshot of VM `name` to `outPath` (PNG). The function `vmdesk test`'s screen check calls. */
export async function screenshotVm(sup: SupervisorApi, name: string, outPath: string): Promise<ScreenshotResult> {
  const started = performance.now();
  const path = resolve(outPath);
  try {
    if (statSync(dirname(path)).isDirectory() === false) throw new Error('not a directory');
  } catch {
    throw new VmdeskError('BAD_REQUEST', `cannot write ${path}: the directory ${dirname(path)} does not exist`);
  }
  const temp = join(dirname(path), `.${basename(path)}.vmdesk-${randomBytes(6).toString('hex')}`);
  let from: 'png' | 'ppm' = 'png';
  try {
    try {
      await sup.qmp(name, 'screendump', { filename: temp, format: 'png' }, { timeoutMs: 15_000 });
    } catch (err) {
      if (!(err instanceof QmpCommandError)) throw err;
      if (/format/i.test(err.desc)) {
        from = 'ppm'; // QEMU before 7.1 has no `format`, or this one cannot write PNG
        await sup.qmp(name, 'screendump', { filename: temp }, { timeoutMs: 15_000 });
      } else if (/console|display|no.*screen|device/i.test(err.desc)) {
        throw new VmdeskError('QMP_ERROR', noDisplayMessage(name, err.desc));
      } else {
        throw new VmdeskError('QMP_ERROR', `screendump of ${name} failed: ${err.desc}`);
      }
    }
    if (from === 'ppm') writeFileSync(temp, ppmToPng(readFileSync(temp)), { mode: 0o600 });
    renameSync(temp, path);
  } catch (err) {
    if (err instanceof QmpCommandError) throw new VmdeskError('QMP_ERROR', `screendump of ${name} failed: ${err.desc}`);
    throw err;
  } finally {
    rmSync(temp, { force: true });
  }
  const bytes = statSync(path).size;
  const durationMs = performance.now() - started;
  sup.recordVmEvent(name, makeEvent('lifecycle', 'screenshot', `screenshot saved to ${path} (${bytes} bytes)`, { path, bytes }));
  return { path, bytes, from, durationMs };
}
