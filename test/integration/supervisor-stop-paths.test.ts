// The hard paths on the real guest: a guest that ignores the power button falls through to QMP quit;
// kill -9 of QEMU is seen as a crash with its signal; start failures report QEMU's own error or a busy
// port; a failed start is recorded as a run (inspect, events) and leaves no process or socket behind.
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Booting under TCG on 2 shared cores can take minutes when other tests load the machine.
vi.setConfig({ testTimeout: 1_000_000, hookTimeout: 240_000 });
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { killTracked, pidsMentioning, trackDir, trackPid } from '../helpers/cleanup';
import { guestDisk, guestDiskNoPower, guestMarkers } from '../helpers/guest';
import { guestDriverConfig, guestTask } from '../helpers/guest-plan';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

const markers = guestMarkers();
let t: TempHome;
let sup: SupervisorApi;

beforeAll(() => {
  t = makeTempHome();
  trackDir(t.runtimeDir);
  sup = createSupervisor({ home: t.home, env: t.env, driverConfig: () => guestDriverConfig });
});

afterAll(async () => {
  await sup?.close();
  killTracked();
  t?.remove();
});

describe('stop ladder on a guest that ignores the power button', () => {
  it('falls through to QMP quit within the timeout, recording each step', async () => {
    const vm = await sup.start({ task: guestTask('deaf', guestDiskNoPower, { disposable: true, kill_timeout: '4s' }), taskDir: t.home });
    trackPid(vm.pid);
    const log = join(t.home, 'vms', 'deaf', 'console.log');
    await waitFor('the guest to boot', () => existsSync(log) && readFileSync(log, 'utf8').includes(markers.ready), 900_000, 500);
    const r = await sup.stop('deaf');
    expect(r.step).toBe('quit');
    expect(r.info.state).toBe('exited');
    expect(r.info.lastExit).toMatchObject({ requested: true, stopStep: 'quit', shutdownReason: 'host-qmp-quit', code: 0, signal: null });
    // The guest saw the button and ignored it; the ladder waited its bound, then quit.
    await waitFor('the ignored-button marker', () => readFileSync(log, 'utf8').includes(markers.powerButtonIgnored), 10_000);
    const events = await sup.events('deaf');
    const stopEvents = events.filter((e) => e.kind === 'stop').map((e) => `${e.type}:${String(e.data?.step)}`);
    expect(stopEvents).toEqual(['stop-step:powerdown', 'stop-step-timeout:powerdown', 'stop-step:quit']);
    expect(r.durationMs).toBeGreaterThanOrEqual(4_000);
    expect(r.durationMs).toBeLessThan(4_000 + 15_000);
    expect(pidsMentioning(vm.uuid!)).toEqual([]);
  });
});

describe('a crash', () => {
  it('sees kill -9 of QEMU as a crash with its signal, at once', async () => {
    const vm = await sup.start({ task: guestTask('victim', guestDisk, { disposable: true }), taskDir: t.home });
    trackPid(vm.pid);
    const exit = sup.wait('victim');
    process.kill(vm.pid!, 'SIGKILL');
    const record = await exit;
    expect(record).toMatchObject({ code: null, signal: 'SIGKILL', requested: false });
    expect(record.summary).toContain('killed by SIGKILL');
    const info = await sup.inspect('victim');
    expect(info.state).toBe('crashed');
    expect((await sup.events('victim')).at(-1)).toMatchObject({ kind: 'error', type: 'crashed' });
    // Its sockets are gone; the record remains for inspection.
    expect(existsSync(join(t.runtimeDir, 'victim'))).toBe(false);
  });
});

describe('start failures', () => {
  it("reports QEMU's own stderr line, records the failed start as a run and leaves no process or socket", async () => {
    const task = guestTask('broken', guestDisk, { disposable: true }, { args: ['-device', 'no-such-device-model'] });
    const err = await sup.start({ task, taskDir: t.home }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'START_FAILED' });
    const line = /qemu-system-x86_64: -device no-such-device-model: 'no-such-device-model' is not a valid device model name/;
    expect((err as Error).message).toMatch(line);
    expect(existsSync(join(t.runtimeDir, 'broken'))).toBe(false);
    expect(pidsMentioning(join(t.runtimeDir, 'broken'))).toEqual([]);
    expect(existsSync(join(t.home, 'vms', 'broken', 'overlay.qcow2'))).toBe(false);
    // The run is kept: inspect shows why it ended, the timeline has the failure.
    const info = await sup.inspect('broken');
    expect(info.state).toBe('crashed');
    expect(info.lastExit?.summary).toMatch(/^the start failed: /);
    expect(info.lastExit?.stderrTail).toMatch(line);
    expect((await sup.events('broken')).at(-1)).toMatchObject({ kind: 'error', type: 'start-failed', message: expect.stringMatching(line) });
  });

  it('refuses a host port already in use before QEMU starts', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const err = await sup.start({ task: guestTask('clash', guestDisk, { disposable: true, ports: { http: port } }), taskDir: t.home }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'PORT_IN_USE', field: 'ports.http' });
      expect((err as Error).message).toContain(`host port ${port} on 127.0.0.1 is already in use`);
      expect(existsSync(join(t.home, 'vms', 'clash'))).toBe(false);
      expect(readdirSync(t.runtimeDir)).not.toContain('clash');
    } finally {
      busy.close();
    }
  });
});
