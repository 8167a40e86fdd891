// tpm: true on real QEMU with the real swtpm: the guest's kernel finds a TPM 2.0 (/dev/tpm0), the swtpm
// socket is private (0600 in the 0700 runtime dir), swtpm is gone after a stop, and a kill -9 of swtpm ends
// the VM with a clear reason.
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Booting under TCG on 2 shared cores can take minutes when other tests load the machine.
vi.setConfig({ testTimeout: 1_000_000, hookTimeout: 240_000 });
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { isRunningPid } from '../../src/main/supervisor/proc';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { guestDisk, guestMarkers } from '../helpers/guest';
import { guestDriverConfig, guestTask } from '../helpers/guest-plan';
import { makeCliHome } from '../helpers/cli-home';
import type { TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

const markers = guestMarkers();
const root = fileURLToPath(new URL('../..', import.meta.url));
let t: TempHome;
let sup: SupervisorApi;

const tpmPid = (name: string) => (JSON.parse(readFileSync(join(t.home, 'vms', name, 'vm.json'), 'utf8')) as { tpm?: { pid: number } }).tpm?.pid;

async function consoleShows(name: string, text: string): Promise<void> {
  const seen: Buffer[] = [];
  const unsubscribe = sup.subscribeConsole(name, (c) => void seen.push(Buffer.from(c)), { fromOffset: 0 });
  try {
    await waitFor(`${text} on ${name}'s console`, () => Buffer.concat(seen).includes(text), 900_000);
  } finally {
    unsubscribe();
  }
}

beforeAll(async () => {
  t = makeCliHome(); // settings.json allows the guest images, for the second vmdesk process
  trackDir(t.runtimeDir);
  sup = createSupervisor({ home: t.home, env: t.env, driverConfig: () => guestDriverConfig });
});

afterAll(async () => {
  try {
    await Promise.all(['tpm', 'tpmkill', 'tpmre'].map((n) => sup?.stop(n, { force: true }).catch(() => undefined)));
    await sup?.close();
  } finally {
    killTracked();
    t?.remove();
  }
});

describe('a TPM from swtpm on a real guest', () => {
  it('the guest sees a TPM 2.0, the socket is private, and swtpm is gone after stop', async () => {
    const task = guestTask('tpm', guestDisk, { disposable: true }, { tpm: true });
    const plan = await sup.plan({ task, taskDir: t.home });
    expect(plan.tpm).toMatchObject({ socket: join(plan.paths.runtimeDir, 'tpm.sock') });
    expect(plan.argv).toEqual(expect.arrayContaining(['-tpmdev', 'emulator,id=vmdesk-tpm0,chardev=vmdesk-tpm', '-device', 'tpm-tis,tpmdev=vmdesk-tpm0']));
    const info = await sup.start({ task, taskDir: t.home });
    trackPid(info.pid);
    const pid = tpmPid('tpm')!;
    expect(pid).toBeGreaterThan(0);
    expect(isRunningPid(pid)).toBe(true);
    expect(statSync(plan.tpm!.socket).mode & 0o777).toBe(0o600);
    expect(statSync(plan.paths.runtimeDir).mode & 0o777).toBe(0o700);
    expect(statSync(plan.tpm!.stateDir).mode & 0o777).toBe(0o700);

    await consoleShows('tpm', markers.ready);
    const r = await waitFor('the guest agent', () => sup.agent.exec('tpm', ['/bin/sh', '-c', 'ls /dev/tpm0 && cat /sys/class/tpm/tpm0/tpm_version_major']), 120_000, 1_000);
    expect(r.stdout).toBe('/dev/tpm0\n2\n');

    await sup.stop('tpm', { timeoutMs: 30_000 });
    await waitFor('swtpm to exit after the stop', () => !isRunningPid(pid), 15_000, 100);
  });

  it('kill -9 of swtpm ends the VM with a clear reason', async () => {
    const info = await sup.start({ task: guestTask('tpmkill', guestDisk, { disposable: true }, { tpm: true }), taskDir: t.home });
    trackPid(info.pid);
    const pid = tpmPid('tpmkill')!;
    process.kill(pid, 'SIGKILL');
    const ended = await waitFor('the VM to end', async () => {
      const i = await sup.inspect('tpmkill');
      return i.state === 'crashed' || i.state === 'exited' ? i : undefined;
    }, 60_000, 250);
    expect(ended.lastExit?.summary).toMatch(/ended by vmdesk: swtpm \(the TPM emulator, pid \d+\) exited while the VM ran; the guest lost its TPM/);
    expect(isRunningPid(info.pid!)).toBe(false);
    const events = await sup.events('tpmkill');
    expect(events.find((e) => e.type === 'tpm-exited')?.kind).toBe('error');
  });

  it('after a vmdesk restart the re-attached VM watches its swtpm again', async () => {
    // Started by another vmdesk process, which is then SIGKILLed: QEMU and swtpm run on without it.
    const taskFile = join(t.home, 'tpmre.task.json');
    writeFileSync(taskFile, JSON.stringify(guestTask('tpmre', guestDisk, { disposable: true }, { tpm: true })));
    const worker = spawn(join(root, 'node_modules/.bin/jiti'), [join(root, 'test/fixtures/vm-worker.ts'), t.home], { env: t.env, stdio: ['pipe', 'pipe', 'pipe'] });
    trackPid(worker.pid);
    let out = '';
    worker.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('the worker to be ready', () => out.includes('\n'), 60_000, 50);
    worker.stdin!.write(`start ${taskFile}\n`);
    // Its first line says it is ready; the second answers the start.
    const answer = await waitFor('the worker to start the VM', () => {
      const lines = out.split('\n').filter(Boolean);
      return lines.length >= 2 ? (JSON.parse(lines[1]!) as { ok: boolean; pid?: number; message?: string }) : undefined;
    }, 240_000, 50);
    expect(answer.ok, JSON.stringify(answer)).toBe(true);
    trackPid(answer.pid);
    worker.kill('SIGKILL');
    await waitFor('the worker to die', () => worker.exitCode !== null || worker.signalCode !== null, 30_000, 20);

    const recovered = await sup.recover();
    expect(recovered.map((v) => `${v.name}:${v.state}`), JSON.stringify({ answer, out })).toContain('tpmre:running');
    const pid = tpmPid('tpmre')!;
    expect(isRunningPid(pid)).toBe(true);
    process.kill(pid, 'SIGKILL');
    const ended = await waitFor('the VM to end', async () => {
      const i = await sup.inspect('tpmre');
      return i.state === 'crashed' || i.state === 'exited' ? i : undefined;
    }, 60_000, 250);
    expect(ended.lastExit?.summary).toMatch(/ended by vmdesk: swtpm .* exited while the VM ran/);
    expect(isRunningPid(answer.pid!)).toBe(false);
  });
});
