// Re-attach refuses what is not the recorded QEMU: a reused pid (another process now has it, or the start
// time differs) and a stolen QMP socket (answered by a QEMU with another uuid). The "other processes" are
// real processes; the stolen socket is a FAKE QMP server (a real unix socket speaking QMP), since the point
// is precisely that it is not our QEMU. No process here is ever signalled by the supervisor.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCmdline, readProcStat } from '../../src/main/supervisor/proc';
import { writeRecord } from '../../src/main/supervisor/state-record';
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { guestDriverConfig } from '../helpers/guest-plan';
import { identityArgs, spawnBystander, writeRunningRecord } from '../helpers/recorded-vm';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

let t: TempHome;
let sup: SupervisorApi;
const children: ChildProcess[] = [];
let server: Server | undefined;

beforeEach(() => {
  t = makeTempHome();
  sup = createSupervisor({ home: t.home, env: t.env, driverConfig: () => guestDriverConfig });
});
afterEach(async () => {
  await sup.close();
  for (const c of children) c.kill('SIGKILL');
  children.length = 0;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  t.remove();
});

/** A live process that is not QEMU, with `args` on its command line (killed after the test). */
async function bystander(...args: string[]): Promise<{ pid: number; startTime: number }> {
  const b = await spawnBystander(...args);
  children.push(b.child);
  return b;
}

const recordFor = (name: string, uuid: string, pid: number, pidStartTime: number) => writeRunningRecord(t, name, uuid, pid, pidStartTime);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('re-attach checks identity', () => {
  it('a pid now used by another process (same start time, no uuid on its command line) is lost, and left alone', async () => {
    const other = await bystander();
    await recordFor('reused', randomUUID(), other.pid, other.startTime);
    await expect(sup.stop('reused')).rejects.toMatchObject({ code: 'STOP_FAILED', message: expect.stringContaining('is lost') });
    expect((await sup.inspect('reused')).state).toBe('lost');
    expect((await sup.events('reused')).at(-1)).toMatchObject({ type: 'lost', message: expect.stringContaining('not this VM') });
    expect(alive(other.pid)).toBe(true);
  });

  it("the lost VM's hint works: `vmdesk rm NAME` forgets it, and the process is still left alone", async () => {
    const other = await bystander();
    await recordFor('forget', randomUUID(), other.pid, other.startTime);
    const err = await sup.stop('forget').then(() => undefined, (e: Error) => e);
    expect(err?.message).toContain('then `vmdesk rm forget` forgets the VM');
    await sup.destroy('forget'); // what `vmdesk rm forget` runs
    await expect(sup.inspect('forget')).rejects.toMatchObject({ code: 'VM_NOT_FOUND' });
    expect(alive(other.pid)).toBe(true);
  });

  it("another user's process carrying this VM's uuid and socket paths is never adopted, and does not block rm", async () => {
    const uuid = randomUUID();
    // Anyone can read a command line in /proc and start a process with the same one: here `nobody` does.
    const foreign = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', 'setTimeout(() => {}, 600000)', '--', ...identityArgs(t, 'spoof', uuid)], { stdio: 'ignore' });
    children.push(foreign);
    const pid = await waitFor('the foreign process', () => (foreign.pid && (readCmdline(foreign.pid) ?? []).includes(uuid) ? foreign.pid : undefined));
    const record = await recordFor('spoof', uuid, pid, readProcStat(pid)!.startTime);
    writeRecord(record.plan.paths.vmDir, { ...record, state: 'starting', pid: undefined }); // as a start killed before the pid
    const info = await sup.inspect('spoof');
    expect(info).toMatchObject({ state: 'exited', lastExit: { summary: 'the start was interrupted before QEMU ran' } });
    expect(info.pid).toBeUndefined();
    await sup.destroy('spoof');
    await expect(sup.inspect('spoof')).rejects.toMatchObject({ code: 'VM_NOT_FOUND' });
    expect(alive(pid)).toBe(true);
  });

  it('a pid whose start time differs from the record is a different process: the VM is reported exited', async () => {
    const other = await bystander();
    await recordFor('gone', randomUUID(), other.pid, other.startTime - 1);
    const info = await sup.inspect('gone');
    expect(info.state).toBe('exited');
    expect(info.lastExit?.summary).toContain('exited while no vmdesk process was watching');
    expect(alive(other.pid)).toBe(true);
  });

  it('a QMP socket answered by another QEMU (other uuid) is a stolen socket: lost, nothing sent to it but queries', async () => {
    const uuid = randomUUID();
    // The recorded pid passes the identity checks (uuid and QMP socket path on its command line)...
    const other = await bystander(...identityArgs(t, 'stolen', uuid));
    const record = await recordFor('stolen', uuid, other.pid, other.startTime);
    const commands: string[] = [];
    // ...but the socket is answered by a FAKE QMP peer with another uuid.
    server = createServer((sock) => {
      sock.write('{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": []}}\r\n');
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString();
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const cmd = JSON.parse(buf.slice(0, nl)) as { execute: string; id: string };
          buf = buf.slice(nl + 1);
          commands.push(cmd.execute);
          const ret = cmd.execute === 'query-uuid' ? { UUID: randomUUID() } : {};
          sock.write(`${JSON.stringify({ return: ret, id: cmd.id })}\r\n`);
        }
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => server!.listen(record.plan.paths.qmpSocket, () => r()));
    await expect(sup.stop('stolen')).rejects.toMatchObject({ code: 'STOP_FAILED' });
    expect((await sup.inspect('stolen')).state).toBe('lost');
    expect([...new Set(commands)].sort()).toEqual(['qmp_capabilities', 'query-uuid']); // queries only: never a powerdown or quit
    expect((await sup.events('stolen')).at(-1)?.message).toContain('answered by another QEMU');
    expect(alive(other.pid)).toBe(true);
  });
});
