// The CLI next to the app: the app's supervisor (in this process) stays attached to the real guest on one QMP
// monitor while `vmdesk stop` (another process) stops it through the second monitor. The stop is graceful
// (ACPI power-down), the app sees the exit as requested, and the timeline has the exit once, not twice.
// When both monitors are held, the CLI says so (VM_LOCKED) instead of hanging.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { QmpClient } from '../../src/main/qmp/index';
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import type { VmEvent } from '../../src/shared/vm';
import { killTracked, pidsMentioning, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk } from '../helpers/cli';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { guestDisk, guestMarkers } from '../helpers/guest';
import { guestDriverConfig } from '../helpers/guest-plan';
import type { TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

vi.setConfig({ testTimeout: 1_000_000, hookTimeout: 240_000 });

const markers = guestMarkers();
let t: TempHome;
let app: SupervisorApi;
let intruder: QmpClient | undefined;

beforeAll(() => {
  t = makeCliHome();
  trackDir(t.runtimeDir);
  app = createSupervisor({ home: t.home, env: t.env, driverConfig: () => guestDriverConfig });
});
afterAll(async () => {
  await intruder?.close();
  await app?.close();
  killTracked();
  t?.remove();
});

describe('two vmdesk processes on one VM', () => {
  it('the CLI stops gracefully while the app is attached; the app records one requested exit', async () => {
    const vm = await app.start({ taskFile: writeGuestTask(t, 'shared', guestDisk, { kill_timeout: '60s' }) });
    trackPid(vm.pid);
    const seen: VmEvent[] = [];
    app.on('event', (name, e) => name === 'shared' && seen.push(e));
    const log = join(t.home, 'vms', 'shared', 'console.log');
    await waitFor('the guest to boot', () => existsSync(log) && readFileSync(log, 'utf8').includes(markers.ready), 900_000, 500);

    // Both monitors held (the app on one, another client on the other): a clear VM_LOCKED, nothing stopped.
    intruder = await QmpClient.connect(join(t.runtimeDir, 'shared', 'qmp2.sock'), { connectTimeoutMs: 10_000 });
    const locked = await vmdesk(['stop', 'shared', '--json'], t.env);
    expect(json(locked)).toMatchObject({ ok: false, error: { code: 'VM_LOCKED', message: expect.stringContaining('both QMP monitors are held') } });
    expect((await app.inspect('shared')).state).toBe('running');
    await intruder.close();
    intruder = undefined;

    const exit = app.wait('shared');
    const r = await vmdesk(['stop', 'shared', '--json'], t.env);
    expect(json(r)).toMatchObject({ ok: true, step: 'powerdown', vm: { state: 'exited', lastExit: { requested: true, stopStep: 'powerdown' } } });
    expect(await exit).toMatchObject({ requested: true, shutdownReason: 'guest-shutdown' });
    expect(await app.inspect('shared')).toMatchObject({ state: 'exited', lastExit: { requested: true, stopStep: 'powerdown' } });
    const exits = (await app.events('shared')).filter((e) => e.type === 'exited' || e.type === 'crashed');
    expect(exits).toHaveLength(1);
    // The app's listeners heard the exit too (the UI's timeline), though the CLI wrote it down.
    expect(seen.filter((e) => e.type === 'exited')).toHaveLength(1);
    expect(pidsMentioning(vm.uuid!)).toEqual([]);
  });
});
