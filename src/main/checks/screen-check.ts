// `screen`: a screenshot of the VM's display into the results dir (src/main/display/screenshot.ts); with
// `settled`, screenshots are taken `settled` apart until two in a row are equal (the screen stopped changing;
// a blinking text cursor does not count as a change: screen-diff.ts).
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '../../shared/duration';
import { screenshotVm } from '../display/screenshot';
import type { CheckRunner } from './context';
import { pause, throwIfAborted } from './context';
import { pngChangedShare, SETTLED_MAX_CHANGED } from './screen-diff';

/** A file-name-safe form of a check name. Pure. */
export function fileSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'check';
}

/** Runs a screen check. */
export const screenCheck: CheckRunner = async (spec, ctx, deadline) => {
  const path = join(ctx.resultsDir, `${fileSlug(spec.name)}.png`);
  const settled = spec.screen?.settled !== undefined ? parseDuration(spec.screen.settled)! : undefined;
  const first = await screenshotVm(ctx.sup, ctx.vm.name, path);
  if (settled === undefined) return { passed: true, message: `screenshot saved (${first.bytes} bytes)`, evidence: { path, bytes: first.bytes } };
  const next = `${path}.next.png`;
  let shots = 1;
  try {
    while (Date.now() + settled < deadline) {
      throwIfAborted(ctx.signal);
      await pause(settled, ctx.signal);
      await screenshotVm(ctx.sup, ctx.vm.name, next);
      shots++;
      const changed = pngChangedShare(readFileSync(path), readFileSync(next));
      renameSync(next, path);
      if (changed <= SETTLED_MAX_CHANGED) {
        return { passed: true, message: `the screen stayed the same for ${spec.screen!.settled} (${shots} screenshots)`, evidence: { path, shots, changedShare: changed } };
      }
    }
  } finally {
    rmSync(next, { force: true });
  }
  return { passed: false, message: `the screen was still changing when the timeout passed (${shots} screenshots, ${spec.screen!.settled} apart)`, evidence: { path, shots } };
};
