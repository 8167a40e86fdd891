// Console logs of a VM that no vmdesk process watches (started by `vmdesk start`, issue #12 item 9): every
// process that touches the VM (ls, inspect, logs, agent) catches the rotation up, and several doing so at the
// same moment lose and repeat nothing. Real QEMU (-S, so it writes no console output itself) started by the
// real CLI; the guest's output is FAKE: bytes appended to its console.log with O_APPEND, as QEMU's chardev
// logfile writes them. Each check reads the log back with vmdesk's own reader and counts the lines.
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readLog } from '../../src/main/supervisor/log-read';
import { LOG_MAX_BYTES } from '../../src/main/supervisor/log-rotation';
import type { VmInfo } from '../../src/shared/vm';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk, type CliResult } from '../helpers/cli';
import { createImage } from '../helpers/image-files';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

let t: TempHome;
let log: string;
let next = 0; // the number of the next line the FAKE guest writes

beforeAll(async () => {
  t = makeTempHome();
  trackDir(t.runtimeDir);
  createImage(join(t.home, 'blank.qcow2'));
  writeFileSync(join(t.home, 'lg.task.json'), JSON.stringify({ name: 'lg', config: { image_path: 'blank.qcow2', args: ['-S'] }, resources: { memory: 128 }, disposable: true }));
  const r = await vmdesk(['start', join(t.home, 'lg.task.json'), '--json'], t.env);
  expect(r.code).toBe(0);
  trackPid(json<{ vm: VmInfo }>(r).vm.pid);
  log = join(t.home, 'vms', 'lg', 'console.log');
});
afterAll(async () => {
  await vmdesk(['rm', 'lg', '--force'], t.env);
  killTracked();
  t?.remove();
});

/** Appends `bytes` (about) of numbered lines to the console log, as the guest's serial output would land. */
function guestWrites(bytes: number): void {
  const lines: string[] = [];
  for (let n = 0; n < bytes / 16; n++) lines.push(`line ${String(next++).padStart(10, '0')}\n`); // 16 bytes each
  appendFileSync(log, lines.join(''));
}

/** Disk blocks the live log holds, in bytes (its apparent size keeps growing: rotation punches its head). */
const liveDiskBytes = () => statSync(log).blocks * 512;

/** The whole log as vmdesk reads it (archives, then the live part): consecutive lines up to the last one written. */
async function expectWholeAndInOrder(): Promise<void> {
  const chunks: Buffer[] = [];
  await readLog(log, (c) => void chunks.push(c));
  const text = Buffer.concat(chunks).toString('latin1');
  expect(text.includes('\0')).toBe(false);
  const nums = text.trimEnd().split('\n').map((l) => Number(/^line (\d+)$/.exec(l)?.[1] ?? NaN));
  expect(nums.at(-1)).toBe(next - 1);
  const first = nums[0]!;
  // Each number once, in order, from the oldest kept (older archive generations are dropped) to the last.
  expect(nums.every((n, i) => n === first + i)).toBe(true);
}

const ok = (r: CliResult) => expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });

describe('rotation with no process attached', () => {
  const touches: Array<[string, string[], (r: CliResult) => void]> = [
    ['ls', ['ls', '--json'], ok],
    ['inspect', ['inspect', 'lg', '--json'], ok],
    ['logs', ['logs', 'lg'], (r) => expect(r.code).toBe(0)],
    // The agent call fails (this VM has no agent channel), and still catches the rotation up on the way.
    ['agent', ['agent', 'lg', 'ping', '--json'], (r) => expect(json<{ error: { code: string } }>(r).error.code).toBe('AGENT_ERROR')],
  ];
  for (const [what, args, check] of touches) {
    it(`vmdesk ${what} rotates a log that grew past the limit, losing nothing`, async () => {
      guestWrites(2.5 * LOG_MAX_BYTES);
      expect(liveDiskBytes()).toBeGreaterThan(LOG_MAX_BYTES);
      check(await vmdesk(args, t.env));
      expect(liveDiskBytes()).toBeLessThanOrEqual(LOG_MAX_BYTES);
      await expectWholeAndInOrder();
    });
  }

  it('four processes catching up at once: one rotation, nothing lost or repeated', async () => {
    guestWrites(2.5 * LOG_MAX_BYTES);
    const runs = await Promise.all([0, 1, 2, 3].map(() => vmdesk(['inspect', 'lg', '--json'], t.env)));
    for (const r of runs) ok(r);
    expect(liveDiskBytes()).toBeLessThanOrEqual(LOG_MAX_BYTES);
    await expectWholeAndInOrder();
    const events = json<{ events: Array<{ type: string; at: string }> }>(await vmdesk(['events', 'lg', '--json'], t.env)).events;
    const rotations = events.filter((e) => e.type === 'log-rotated');
    expect(rotations.length).toBe(touches.length + 1); // one per touch above, one for the four at once
  });
});
