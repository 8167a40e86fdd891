// One real guest, several honest assertions on it: boot to the ready marker, HTTP through a forwarded port,
// guest agent ping/ifaces/exec, console input, stats, then a graceful stop that ends by guest shutdown.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Booting under TCG on 2 shared cores can take minutes when other tests load the machine.
vi.setConfig({ testTimeout: 1_000_000, hookTimeout: 240_000 });
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import type { VmInfo } from '../../src/shared/vm';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { guestDisk, guestMarkers } from '../helpers/guest';
import { guestDriverConfig, guestTask } from '../helpers/guest-plan';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

const markers = guestMarkers();
let t: TempHome;
let sup: SupervisorApi;
let info: VmInfo;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
let imageHashBefore: string;

beforeAll(async () => {
  imageHashBefore = sha256(guestDisk);
  t = makeTempHome();
  trackDir(t.runtimeDir);
  sup = createSupervisor({ home: t.home, env: t.env, driverConfig: () => guestDriverConfig, statsIntervalMs: 500 });
  info = await sup.start({ task: guestTask('web', guestDisk, { disposable: true }), taskDir: t.home });
  trackPid(info.pid);
});

afterAll(async () => {
  await sup?.close();
  killTracked();
  t?.remove();
});

describe('a real guest under the supervisor', () => {
  it('reports running with a pid, a uuid and a resolved host port', () => {
    expect(info.state).toBe('running');
    expect(info.pid).toBeGreaterThan(0);
    expect(info.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(info.ports[0]!.host).toBeGreaterThan(0);
  });

  it('boots to the ready marker on the serial console (written to the log by QEMU)', async () => {
    const seen: Buffer[] = [];
    const unsubscribe = sup.subscribeConsole('web', (c) => void seen.push(Buffer.from(c)), { fromOffset: 0 });
    try {
      await waitFor('the ready marker', () => Buffer.concat(seen).includes(markers.ready), 900_000);
    } finally {
      unsubscribe();
    }
  });

  it('serves HTTP through the forwarded port', async () => {
    const port = info.ports[0]!.host;
    const body = await waitFor('HTTP', async () => {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      return r.ok ? r.text() : undefined;
    }, 30_000);
    expect(body).toContain(markers.httpBody);
  });

  it('talks to the guest agent: ping, interfaces, exec', async () => {
    await sup.agent.ping('web');
    const ifaces = await sup.agent.interfaces('web');
    const eth0 = ifaces.find((i) => i.name === 'eth0');
    expect(eth0?.addresses).toContainEqual({ type: 'ipv4', address: '10.0.2.15', prefix: 24 });
    const r = await sup.agent.exec('web', ['/bin/sh', '-c', 'echo out-$((6*7)); echo err >&2; exit 3']);
    expect(r).toEqual({ exitCode: 3, stdout: 'out-42\n', stderr: 'err\n' });
    expect((await sup.inspect('web')).agent).toBe('responding');
  });

  it('sends input to the serial console', async () => {
    const seen: Buffer[] = [];
    const unsubscribe = sup.subscribeConsole('web', (c) => void seen.push(Buffer.from(c)));
    try {
      await sup.writeConsole('web', 'echo console-$((40+2))\n');
      await waitFor('the echoed command output', () => Buffer.concat(seen).includes('console-42'), 30_000);
    } finally {
      unsubscribe();
    }
  });

  it('samples CPU and RSS of the QEMU process', async () => {
    const samples = await waitFor('two stats samples', () => (sup.stats('web').length >= 2 ? sup.stats('web') : undefined), 30_000);
    const last = samples[samples.length - 1]!;
    expect(last.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(last.cpuPercent).toBeGreaterThanOrEqual(0);
  });

  it('stops gracefully: the guest powers off well before kill_timeout', async () => {
    const r = await sup.stop('web');
    expect(r.step).toBe('powerdown');
    expect(r.durationMs).toBeLessThan(15_000);
    expect(r.info.state).toBe('exited');
    expect(r.info.lastExit).toMatchObject({ shutdownReason: 'guest-shutdown', requested: true, stopStep: 'powerdown', code: 0, signal: null });
    const types = (await sup.events('web')).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['starting', 'running', 'stop-step', 'POWERDOWN', 'SHUTDOWN', 'exited']));
    expect(types.indexOf('POWERDOWN')).toBeLessThan(types.indexOf('SHUTDOWN'));
    // The console log is QEMU's own capture: the guest's power-off message is in it.
    const log = readFileSync(`${t.home}/vms/web/console.log`, 'utf8');
    expect(log).toContain(markers.ready);
    expect(log).toContain('power button, powering off');
  });

  it('destroys the disposable VM: overlay gone, image byte-identical, logs kept', async () => {
    const overlay = `${t.home}/vms/web/overlay.qcow2`;
    expect(existsSync(overlay)).toBe(true);
    await sup.destroy('web');
    expect(existsSync(overlay)).toBe(false);
    expect(existsSync(`${t.home}/vms/web/console.log`)).toBe(true);
    expect(sha256(guestDisk)).toBe(imageHashBefore);
    expect((await sup.list()).map((v) => v.name)).not.toContain('web');
  });
});
