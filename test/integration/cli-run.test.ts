// `vmdesk run` in the foreground: the console streams to stdout, `vmdesk logs -f` follows the same bytes
// from another process, and Ctrl-C (SIGINT) stops the VM through the ladder; both commands then exit.
// On a terminal (a real pty made by util-linux `script`), keys reach the guest's shell and Ctrl-] stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { killTracked, pidsMentioning, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk } from '../helpers/cli';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { guestDisk, guestMarkers } from '../helpers/guest';
import type { TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';
import type { VmInfo } from '../../src/shared/vm';

vi.setConfig({ testTimeout: 420_000, hookTimeout: 240_000 });

const bin = fileURLToPath(new URL('../../bin/vmdesk.js', import.meta.url));
let t: TempHome;
const procs: ChildProcess[] = [];

beforeAll(() => {
  t = makeCliHome();
  trackDir(t.runtimeDir);
});
afterAll(() => {
  for (const p of procs) p.kill('SIGKILL');
  killTracked();
  t?.remove();
});

function start(args: string[], opts: { tty?: boolean } = {}) {
  // `script -qfec CMD /dev/null` runs CMD on a fresh pty and copies our stdin to it: a real terminal.
  const quoted = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const p = opts.tty
    ? spawn('script', ['-qfec', quoted, '/dev/null'], { env: t.env, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [bin, ...args], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(p);
  const io = { out: '', err: '', code: undefined as number | null | undefined };
  p.stdout!.on('data', (d: Buffer) => (io.out += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (io.err += d.toString()));
  p.on('exit', (code) => (io.code = code));
  return { p, io };
}

describe('vmdesk run', () => {
  it('streams the console, and Ctrl-C stops the VM through the stop ladder', async () => {
    const task = writeGuestTask(t, 'fg', guestDisk, { kill_timeout: '2s' });
    const run = start(['run', task]);
    await waitFor('run to report the VM running', () => /fg running \(pid \d+\)/.test(run.io.err), 120_000, 200);
    const vm = json<{ vm: VmInfo }>(await vmdesk(['inspect', 'fg', '--json'], t.env)).vm;
    trackPid(vm.pid);
    expect(vm.state).toBe('running');
    const follow = start(['logs', 'fg', '-f']);
    await waitFor('console output on run\'s stdout', () => run.io.out.includes('Booting from Hard Disk'), 120_000, 200);

    run.p.kill('SIGINT');
    await waitFor('run to exit', () => run.io.code !== undefined, 120_000, 200);
    expect(run.io.code).toBe(0);
    expect(run.io.err).toMatch(/stopped by (powerdown|quit)/);
    expect(pidsMentioning(vm.uuid!)).toEqual([]);
    const after = json<{ vm: VmInfo }>(await vmdesk(['inspect', 'fg', '--json'], t.env)).vm;
    expect(after.state).toBe('exited');
    expect(after.lastExit?.requested).toBe(true);

    // logs -f ends by itself once the VM has exited, having printed exactly the log's bytes.
    await waitFor('logs -f to exit', () => follow.io.code !== undefined, 60_000, 200);
    expect(follow.io.code).toBe(0);
    const log = readFileSync(join(t.home, 'vms', 'fg', 'console.log'), 'utf8');
    expect(follow.io.out).toBe(log);
    // run printed the console from this start on: the same bytes as the log (a fresh VM: all of it).
    expect(log.startsWith(run.io.out.slice(0, 200))).toBe(true);
  });

  it('on a terminal, keys go to the guest (Ctrl-C included) and Ctrl-] stops the VM gracefully', async () => {
    const task = writeGuestTask(t, 'keys', guestDisk, { kill_timeout: '2s' });
    const run = start(['run', task], { tty: true });
    await waitFor('run to say Ctrl-] stops it', () => /keys running \(pid \d+\).*Ctrl-\] stops it/.test(run.io.out), 120_000, 200);
    const vm = json<{ vm: VmInfo }>(await vmdesk(['inspect', 'keys', '--json'], t.env)).vm;
    trackPid(vm.pid);
    await waitFor('the guest to be ready', () => run.io.out.includes(guestMarkers().ready), 240_000, 200);
    // The guest's shell gets the line (Enter is CR on a raw terminal) and runs it: 6*7 is computed in the guest.
    await waitFor('the guest shell to run typed input', () => {
      run.p.stdin!.write('echo vmdesk-in-$((6*7))\r');
      return run.io.out.includes('vmdesk-in-42');
    }, 120_000, 3_000);
    // Ctrl-C is a key for the guest here, not a stop: the VM keeps running.
    run.p.stdin!.write('\x03');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(json<{ vm: VmInfo }>(await vmdesk(['inspect', 'keys', '--json'], t.env)).vm.state).toBe('running');
    run.p.stdin!.write('\x1d');
    await waitFor('run to exit', () => run.io.code !== undefined, 120_000, 200);
    expect(run.io.code).toBe(0);
    expect(run.io.out).toMatch(/stopped by (powerdown|quit)/);
    expect(pidsMentioning(vm.uuid!)).toEqual([]);
  });
});
