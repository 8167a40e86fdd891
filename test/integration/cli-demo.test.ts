// `vmdesk demo --detach` on this machine: the demo guest is built from the host's packages (as the app's
// first-run button does), started in the background with its HTTP port forwarded; the guest's ready marker
// appears on its console and the printed URL answers with the demo page; then it is stopped. A second
// `vmdesk demo --detach` while it runs says so and how to stop it. Real QEMU, real HTTP.
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_MARKERS } from '../../src/main/demo/demo-image';
import type { VmInfo } from '../../src/shared/vm';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk } from '../helpers/cli';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

let t: TempHome;

function httpGet(url: string): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = get(url, { timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
  });
}

beforeAll(() => {
  t = makeTempHome();
  trackDir(t.runtimeDir);
  trackDir(t.home);
});
afterAll(async () => {
  await vmdesk(['stop', 'demo', '--force'], t.env, 60_000);
  killTracked();
  t?.remove();
});

describe('vmdesk demo --detach', () => {
  it('builds the demo from host packages, prints progress, starts it: ready marker on the console, the URL answers; then stops', async () => {
    const r = await vmdesk(['demo', '--detach'], t.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/building the demo image/);
    expect(r.stderr).toMatch(/\[1\/6\] /);
    expect(r.stderr).toMatch(/\[6\/6\] Done/);
    const url = /demo running \(pid (\d+)\): (http:\/\/127\.0\.0\.1:\d+\/)/.exec(r.stdout);
    expect(url, r.stdout).not.toBeNull();
    trackPid(Number(url![1]));
    expect(r.stdout).toContain('vmdesk stop demo');

    const consoleLog = join(t.home, 'vms', 'demo', 'console.log');
    await waitFor('the demo ready marker', () => {
      try {
        return readFileSync(consoleLog, 'latin1').includes(DEMO_MARKERS.ready);
      } catch {
        return false;
      }
    }, 240_000, 500);
    const page = await waitFor('the demo page', async () => {
      const res = await httpGet(url![2]!);
      return res?.status === 200 ? res : undefined;
    }, 60_000, 500);
    expect(page.body).toContain(DEMO_MARKERS.httpBody);

    const again = await vmdesk(['demo', '--detach', '--json'], t.env);
    expect(again.code).toBe(1);
    expect(json<{ error: { code: string; message: string } }>(again).error).toMatchObject({ code: 'VM_RUNNING', message: expect.stringContaining('vmdesk stop demo') });

    const stop = await vmdesk(['stop', 'demo', '--json'], t.env);
    expect(stop.code, stop.stderr).toBe(0);
    expect(json<{ vm: VmInfo }>(stop).vm.state).toBe('exited');

    // Built once: a second demo reuses the image and starts at once.
    const reuse = await vmdesk(['demo', '--detach', '--json'], t.env);
    expect(reuse.code, reuse.stderr).toBe(0);
    const line = json<{ vm: VmInfo; url: string }>(reuse);
    trackPid(line.vm.pid);
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await vmdesk(['stop', 'demo', '--force'], t.env)).code).toBe(0);
  });
});
