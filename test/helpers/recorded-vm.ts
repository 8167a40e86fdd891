// A VM's state record that points at a process of the test's choosing, for the tests that need a "QEMU"
// which is not one (a reused pid, a stolen socket, a FAKE QMP peer): the process and the record.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { planTask } from '../../src/main/driver/prepare';
import { readProcStat } from '../../src/main/supervisor/proc';
import { writeRecord, type StateRecord } from '../../src/main/supervisor/state-record';
import { parseTask } from '../../src/shared/task';
import { guestDisk } from './guest';
import { guestDriverConfig, guestTask } from './guest-plan';
import type { TempHome } from './temp-home';
import { waitFor } from './wait-for';

/** A live process that is not QEMU, with `args` on its command line; the caller kills `child`. */
export async function spawnBystander(...args: string[]): Promise<{ child: ChildProcess; pid: number; startTime: number }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)', '--', ...args], { stdio: 'ignore' });
  const pid = await waitFor('the bystander to start', () => child.pid);
  const st = await waitFor('its /proc entry', () => readProcStat(pid));
  return { child, pid, startTime: st.startTime };
}

/** The part of a QEMU command line that makes a process the VM's QEMU (identity.ts): its uuid and QMP socket path. */
export function identityArgs(t: TempHome, name: string, uuid: string): string[] {
  return ['-uuid', uuid, `path=${join(t.runtimeDir, name, 'qmp.sock')}`];
}

/** Writes a "running" record of the test guest with this uuid and pid, and makes its VM and runtime dirs. */
export async function writeRunningRecord(t: TempHome, name: string, uuid: string, pid: number, pidStartTime: number): Promise<StateRecord> {
  const parsed = parseTask(guestTask(name, guestDisk));
  if (!parsed.ok) throw new Error(parsed.message);
  const plan = await planTask(parsed.task, t.home, { driverConfig: guestDriverConfig, home: t.home, uuid, env: t.env });
  mkdirSync(plan.paths.vmDir, { recursive: true });
  mkdirSync(plan.paths.runtimeDir, { recursive: true });
  const record: StateRecord = { version: 1, name, state: 'running', uuid, plan, pid, pidStartTime, startedAt: new Date().toISOString(), createdAt: new Date().toISOString() };
  writeRecord(plan.paths.vmDir, record);
  return record;
}
