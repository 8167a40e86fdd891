// What `inspect` shows for a VM, computed from its state record.
import type { AgentStatus, VmInfo } from '../../shared/vm';
import { isLive } from './state-machine';
import type { StateRecord } from './state-record';
import { sshAccessOf } from '../ssh/ssh-command';

/** VmInfo from a record; `liveAgent` is the agent status a watching session knows (else unknown/disabled). Pure apart from the clock. */
export function infoFromRecord(r: StateRecord, liveAgent?: AgentStatus): VmInfo {
  const live = isLive(r.state);
  return {
    name: r.name,
    state: r.state,
    ...(r.pid ? { pid: r.pid } : {}),
    uuid: r.uuid,
    ...(r.startedAt ? { startedAt: r.startedAt } : {}),
    ...(live && r.startedAt ? { uptimeMs: Date.now() - Date.parse(r.startedAt) } : {}),
    ports: r.plan.ports,
    agent: live && liveAgent ? liveAgent : r.plan.task.config.guest_agent ? 'unknown' : 'disabled',
    ...(r.lastExit ? { lastExit: r.lastExit } : {}),
    disposable: r.plan.task.disposable,
    ...(r.taskFile ? { taskFile: r.taskFile } : {}),
    argv: r.plan.argv,
    binary: r.plan.binary,
    ...(r.plan.cloudInit ? { ssh: sshAccessOf(r.plan)! } : {}),
  };
}
