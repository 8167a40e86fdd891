// The screen and keyboard of a real guest through the built CLI: `display: "vnc"` puts QEMU's VNC server on a
// 0600 unix socket (no TCP port), `vmdesk screenshot` writes a PNG that decodes, is not blank and changes as
// the guest prints (QMP screendump), and `vmdesk type` / `vmdesk send-keys` reach the shell on the guest's
// VGA console (tty1): it runs the typed command, which prints a computed marker on the serial console.
// Also: a display "none" VM still has the default VGA, so a screenshot works; one with -nodefaults has no
// screen and gets an error that says what to do. Real QEMU, the real test guest (disk-vga.img).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk } from '../helpers/cli';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { guestDiskVga, guestMarkers } from '../helpers/guest';
import { createImage } from '../helpers/image-files';
import type { TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';
import type { VmInfo } from '../../src/shared/vm';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 240_000 });

let t: TempHome;
const markers = guestMarkers();
const consoleLog = (name: string) => {
  try {
    return readFileSync(join(t.home, 'vms', name, 'console.log'), 'latin1');
  } catch {
    return '';
  }
};

/** Decodes a PNG; returns its size and how many pixels are not black. */
function decode(path: string): { width: number; height: number; lit: number; data: Buffer } {
  const png = PNG.sync.read(readFileSync(path));
  let lit = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! + png.data[i + 1]! + png.data[i + 2]! > 60) lit++;
  return { width: png.width, height: png.height, lit, data: png.data };
}

async function startTask(name: string, task: string): Promise<VmInfo> {
  const r = await vmdesk(['start', task, '--json'], t.env);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const vm = json<{ vm: VmInfo }>(r).vm;
  trackPid(vm.pid);
  return vm;
}

beforeAll(() => {
  t = makeCliHome();
  trackDir(t.runtimeDir);
});
afterAll(async () => {
  for (const name of ['screen', 'nodisplay', 'noscreen']) await vmdesk(['stop', name, '--force'], t.env, 60_000);
  killTracked();
  t?.remove();
});

describe('display: vnc, screenshot, send-keys, type', () => {
  it('serves VNC on a private unix socket, takes screenshots that change, and types into the VGA console', async () => {
    const task = writeGuestTask(t, 'screen', guestDiskVga, { display: 'vnc' });
    const plan = json<{ argv: string[] }>(await vmdesk(['plan', task, '--json'], t.env));
    const vncSocket = join(t.runtimeDir, 'screen', 'vnc.sock');
    expect(plan.argv).toContain(`unix:${vncSocket}`);
    expect(plan.argv.join(' ')).toContain('-vga std');
    expect(plan.argv.join(' ')).not.toMatch(/-vnc [^u]/); // never a TCP display

    await startTask('screen', task);
    expect(statSync(vncSocket).isSocket()).toBe(true);
    expect(statSync(vncSocket).mode & 0o777).toBe(0o600);
    await waitFor('the guest to boot', () => consoleLog('screen').includes(`${markers.tick} 2`), 240_000, 500);

    const first = join(t.home, 'first.png');
    const r1 = await vmdesk(['screenshot', 'screen', '--out', first, '--json'], t.env);
    expect(r1.code, r1.stderr).toBe(0);
    expect(json<{ path: string; from: string }>(r1)).toMatchObject({ path: first, from: 'png' });
    expect(statSync(first).mode & 0o777).toBe(0o600);
    const a = decode(first);
    expect(a.width).toBeGreaterThanOrEqual(640);
    expect(a.height).toBeGreaterThanOrEqual(400);
    expect(a.lit).toBeGreaterThan(500); // text on the screen, not a black frame

    // The guest prints a tick on tty1 every second: a later screenshot differs.
    const second = join(t.home, 'second.png');
    await waitFor('the screen to change', async () => {
      expect((await vmdesk(['screenshot', 'screen', '--out', second], t.env)).code).toBe(0);
      return !decode(second).data.equals(a.data);
    }, 60_000, 1_000);

    // Typed text reaches the shell on tty1; the shell computes the marker and prints it on the serial console.
    expect((await vmdesk(['type', 'screen', 'echo KEYS-$((6*7))-OK >/dev/ttyS0'], t.env)).code).toBe(0);
    const sent = await vmdesk(['send-keys', 'screen', 'ret', '--json'], t.env);
    expect(sent.code, sent.stderr).toBe(0);
    expect(json<{ chords: number }>(sent).chords).toBe(1);
    await waitFor('the typed command to run in the guest', () => consoleLog('screen').includes('KEYS-42-OK'), 60_000, 300);

    const events = json<{ events: Array<{ type: string }> }>(await vmdesk(['events', 'screen', '--json'], t.env)).events.map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['screenshot', 'text-typed', 'keys-sent']));
  });

  it('refuses unknown keys and characters with no key, before sending anything', async () => {
    const bad = await vmdesk(['send-keys', 'screen', 'ret', 'ctrl-alt-nokey'], t.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown key "nokey" in "ctrl-alt-nokey".*QEMU's key names/);
    const accent = await vmdesk(['type', 'screen', 'café'], t.env);
    expect(accent.code).toBe(2);
    expect(accent.stderr).toMatch(/character "é" at position 4 has no key on a US keyboard/);
  });

  it('takes a screenshot of a display "none" VM (QEMU\'s default VGA), and explains a VM with no screen', async () => {
    createImage(join(t.home, 'blank.qcow2'));
    const none = join(t.home, 'nodisplay.json');
    const base = { config: { image_path: 'blank.qcow2', args: ['-S'] }, resources: { memory: 128 }, disposable: true };
    writeFileSync(none, JSON.stringify({ name: 'nodisplay', ...base }));
    await startTask('nodisplay', none);
    const out = join(t.home, 'none.png');
    const r = await vmdesk(['screenshot', 'nodisplay', '--out', out], t.env);
    expect(r.code, r.stderr).toBe(0);
    expect(decode(out).width).toBeGreaterThan(0);

    const noscreen = join(t.home, 'noscreen.json');
    writeFileSync(noscreen, JSON.stringify({ name: 'noscreen', ...base, config: { ...base.config, args: ['-S', '-nodefaults'] } }));
    await startTask('noscreen', noscreen);
    const refused = await vmdesk(['screenshot', 'noscreen', '--out', join(t.home, 'x.png')], t.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/noscreen has no screen to capture .*"display": "vnc"/);
  });
});
