// The machine a run happened on: CPU, cores, memory, QEMU, Chromium, kernel, load.
import { spawnSync } from 'node:child_process';
import { cpus, hostname, loadavg, release, totalmem, type as osType } from 'node:os';
import type { MachineInfo } from './results';

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? (r.stdout.split('\n')[0] ?? '').trim() : `unknown (${cmd} failed)`;
}

/** Facts about this machine; loadAfter is filled in at the end of the run. */
export function machineInfo(): MachineInfo {
  return {
    host: hostname(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryMiB: Math.round(totalmem() / 1048576),
    qemuVersion: firstLine('qemu-system-x86_64', ['--version']),
    accelerator: 'tcg (KVM is not used: every task sets accelerator = "tcg")',
    node: process.version,
    chromium: firstLine('/usr/bin/chromium', ['--version']),
    kernel: `${osType()} ${release()}`,
    loadBefore: loadavg()[0] ?? 0,
    loadAfter: loadavg()[0] ?? 0,
  };
}
