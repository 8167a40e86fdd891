// A VM that QEMU paused by itself: after a STOP nobody asked for, the supervisor asks query-status why.
// `internal-error` (what KVM under nested virtualisation does to some guests: QEMU stays alive, the guest is
// frozen) is ended with QMP quit and recorded as a crash with the reason; `io-error` is reported and left paused.
// The QEMU here is a FAKE QMP peer (a real unix socket speaking QMP) with a real bystander process as its pid:
// a real KVM internal error cannot be produced on demand on a CI machine (it needs a host whose KVM fails).
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { haltVerdict } from '../../src/main/supervisor/halt-status';
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { guestDriverConfig } from '../helpers/guest-plan';
import { identityArgs, spawnBystander, writeRunningRecord } from '../helpers/recorded-vm';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

let t: TempHome;
let sup: SupervisorApi;
let child: ChildProcess | undefined;
let server: Server | undefined;

beforeEach(() => {
  t = makeTempHome();
  sup = createSupervisor({ home: t.home, env: t.env, driverConfig: () => guestDriverConfig });
});
afterEach(async () => {
  await sup.close();
  child?.kill('SIGKILL');
  child = undefined;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  t.remove();
});

/** A FAKE QEMU: a bystander process carrying the VM's identity (uuid, socket path), and a QMP server on the VM's socket. */
async function fakeQemu(name: string, haltStatus: string, initialStatus = 'running'): Promise<{ commands: string[]; pause: () => void }> {
  const uuid = randomUUID();
  const fake = await spawnBystander(...identityArgs(t, name, uuid));
  child = fake.child;
  const { plan } = await writeRunningRecord(t, name, uuid, fake.pid, fake.startTime);

  const commands: string[] = [];
  const peers: Socket[] = [];
  let status = initialStatus;
  const send = (sock: Socket, msg: unknown) => sock.write(`${JSON.stringify(msg)}\r\n`);
  const event = (sock: Socket, ev: string, data: Record<string, unknown> = {}) => send(sock, { event: ev, data, timestamp: { seconds: Math.floor(Date.now() / 1000), microseconds: 0 } });
  server = createServer((sock) => {
    peers.push(sock);
    send(sock, { QMP: { version: { qemu: { micro: 0, minor: 2, major: 7 }, package: '' }, capabilities: [] } });
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const cmd = JSON.parse(buf.slice(0, nl)) as { execute: string; id: string };
        buf = buf.slice(nl + 1);
        commands.push(cmd.execute);
        if (cmd.execute === 'query-uuid') send(sock, { return: { UUID: uuid }, id: cmd.id });
        else if (cmd.execute === 'query-status') send(sock, { return: { status, running: status === 'running', singlestep: false }, id: cmd.id });
        else if (cmd.execute === 'quit') {
          send(sock, { return: {}, id: cmd.id });
          event(sock, 'SHUTDOWN', { guest: false, reason: 'host-qmp-quit' });
          child?.kill('SIGKILL'); // the fake QEMU exits, as QEMU does on quit
          sock.destroy();
        } else send(sock, { return: {}, id: cmd.id });
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server!.listen(plan.paths.qmpSocket, () => r()));
  return {
    commands,
    pause: () => {
      status = haltStatus;
      for (const p of peers) if (!p.destroyed) event(p, 'STOP');
    },
  };
}

describe('a VM that QEMU halted by itself', () => {
  it('internal-error: reported, ended with QMP quit, recorded as a crash with the reason', async () => {
    const q = await fakeQemu('frozen', 'internal-error');
    expect((await sup.recover()).map((v) => [v.name, v.state])).toEqual([['frozen', 'running']]); // re-attached to the fake
    q.pause();
    await waitFor('the VM to be recorded as crashed', async () => ((await sup.inspect('frozen')).state === 'crashed' ? true : undefined), 30_000);
    const vm = await sup.inspect('frozen');
    expect(vm.lastExit).toMatchObject({ requested: false, shutdownReason: 'vcpu-internal-error', summary: expect.stringMatching(/^ended by vmdesk: the vCPU stopped with an internal error/) });
    expect(q.commands).toContain('quit');
    const halted = (await sup.events('frozen')).find((e) => e.type === 'halted');
    expect(halted).toMatchObject({ kind: 'error', message: expect.stringContaining('internal error') });
  });

  it('a VM found already halted by an internal error when re-attaching is ended the same way', async () => {
    const q = await fakeQemu('found-frozen', 'internal-error', 'internal-error');
    await sup.recover();
    await waitFor('the VM to be recorded as crashed', async () => ((await sup.inspect('found-frozen')).state === 'crashed' ? true : undefined), 30_000);
    expect(q.commands).toContain('quit');
    expect((await sup.inspect('found-frozen')).lastExit?.summary).toContain('internal error');
  });

  it('io-error: reported and left paused (it can resume once the disk has space); nothing is quit', async () => {
    const q = await fakeQemu('diskfull', 'io-error');
    expect((await sup.recover()).map((v) => [v.name, v.state])).toEqual([['diskfull', 'running']]);
    q.pause();
    const halted = await waitFor('the halt to be reported', async () => (await sup.events('diskfull')).find((e) => e.type === 'halted'), 30_000);
    expect(halted.message).toContain('disk write failed');
    expect((await sup.inspect('diskfull')).state).toBe('paused');
    expect(q.commands).not.toContain('quit');
  });
});

describe('haltVerdict', () => {
  it('says what each self-inflicted pause means; an ordinary pause is not a halt', () => {
    expect(haltVerdict('internal-error', 'kvm')).toMatchObject({ fatal: true, message: expect.stringContaining('Set the accelerator to tcg') });
    expect(haltVerdict('internal-error', 'tcg')).toMatchObject({ fatal: true });
    expect(haltVerdict('io-error', 'tcg')).toMatchObject({ fatal: false, message: expect.stringContaining('free space') });
    expect(haltVerdict('guest-panicked', 'tcg')).toMatchObject({ fatal: false });
    for (const s of ['paused', 'running', 'prelaunch', 'debug', 'suspended']) expect(haltVerdict(s, 'kvm')).toBeUndefined();
  });
});
