// Facts about a process from /proc (Linux): alive, zombie, start time, CPU ticks, RSS. No polling here.
import { readFileSync, readdirSync } from 'node:fs';

/** Fields of /proc/<pid>/stat that vmdesk uses. */
export interface ProcStat {
  state: string;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Start time after boot, in clock ticks (field 22): with the pid, identifies one process. */
  startTime: number;
  rssPages: number;
}

/** Parses /proc/<pid>/stat text. The comm field may hold spaces and parentheses: split after the last ')'. Pure. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = text.slice(close + 2).trim().split(/\s+/);
  // f[0] is field 3 (state); field N is f[N - 3].
  const num = (n: number) => Number(f[n - 3]);
  if (f.length < 22) return undefined;
  return { state: f[0]!, cpuTicks: num(14) + num(15), startTime: num(22), rssPages: num(24) };
}

/** /proc/<pid>/stat, or undefined when the process does not exist. */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when the pid exists and is not a zombie (a zombie has exited; only its parent has not reaped it). */
export function isRunningPid(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const st = readProcStat(pid);
  return st !== undefined && st.state !== 'Z' && st.state !== 'X';
}

/** The process's argv from /proc/<pid>/cmdline, or undefined. */
export function readCmdline(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s, i, a) => i < a.length - 1 || s !== '');
  } catch {
    return undefined;
  }
}

/** True when `pid` is still the very process recorded (same start time), so a reused pid is not mistaken for it. */
export function isSameProcess(pid: number, startTime: number | undefined): boolean {
  if (!isRunningPid(pid)) return false;
  if (startTime === undefined) return true;
  return readProcStat(pid)?.startTime === startTime;
}

/**
 * Pids of live processes whose argv carries `marker` as part of one argument (e.g. a VM's console log path,
 * which is in every QEMU vmdesk starts for that VM). Linux /proc only; elsewhere returns [].
 */
export function pidsWithArg(marker: string): number[] {
  return pidsWhere((argv) => argv.some((a) => a.includes(marker)));
}

/** Pids of live processes (not this one, not zombies) whose argv satisfies `test`. Linux /proc only; elsewhere []. */
export function pidsWhere(test: (argv: string[]) => boolean): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const argv = readCmdline(pid);
    if (argv && test(argv) && isRunningPid(pid)) found.push(pid);
  }
  return found;
}
