// The VM list as the app and `vmdesk ls` show it: the supervisor's run records, plus the task files in
// $VMDESK_HOME/tasks that have never run (state `defined`), so a VM made in the app is listed by the CLI too.
import type { parseTask } from '../../shared/task';
import type { VmInfo } from '../../shared/vm';
import { findTaskFile, listTaskNames, readTaskJson } from './task-store';

/** A VM known only by its task file (never started): state `defined`, no pid, no exit record. Pure. */
export function definedVmInfo(name: string, taskFile: string, parsed: ReturnType<typeof parseTask>): VmInfo {
  const ports = parsed.ok
    ? Object.entries(parsed.task.config.port_map).map(([label, guest]) => ({
        label,
        guest,
        host: parsed.task.ports[label] ?? 0,
        bind: '',
        protocols: ['tcp', 'udp'] as Array<'tcp' | 'udp'>,
      }))
    : [];
  return {
    name,
    state: 'defined',
    ports,
    agent: parsed.ok && parsed.task.config.guest_agent ? 'unknown' : 'disabled',
    disposable: parsed.ok ? parsed.task.disposable : false,
    taskFile,
  };
}

/** The `defined` info of `name` from its task file in `home`, or undefined when there is no task file. */
export async function definedVm(home: string, name: string): Promise<VmInfo | undefined> {
  const file = await findTaskFile(home, name);
  if (!file) return undefined;
  // The task schema is loaded here, when there is a task file to read: `vmdesk ls` without one never needs it.
  const { parseTask } = await import('../../shared/task');
  return definedVmInfo(name, file, parseTask(await readTaskJson(file).catch(() => undefined)));
}

/** Run records plus never-started task files of `home`, sorted by name (a run record wins over its task file). */
export async function listWithDefinitions(records: readonly VmInfo[], home: string): Promise<VmInfo[]> {
  const byName = new Map(records.map((r) => [r.name, r]));
  for (const name of await listTaskNames(home)) {
    if (byName.has(name)) continue;
    const info = await definedVm(home, name);
    if (info) byName.set(name, info);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
