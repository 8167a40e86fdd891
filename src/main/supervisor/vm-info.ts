// What `inspect` shows for a VM, computed from its state record.
import type { VmInfo } from '../../shared/vm';
import type { AgentKnown } from './agent-seen';
import { isLive } from './state-machine';
import type { StateRecord } from './state-record';
import { sshAccessOf } from '../ssh/ssh-command';

/**
 * VmInfo from a record; `liveAgent` is the agent status as last seen (by a watching session, or agent.json),
 * else unknown/disabled. Pure apart from the clock.
 */
export function infoFromRecord(r: StateRecord, liveAgent?: AgentKnown): VmInfo {
  const live = isLive(r.state);
  const agentKnown = live && liveAgent && r.plan.task.config.guest_agent ? liveAgent : undefined;
  return {
    name: r.name,
    state: r.state,
    ...(r.pid ? { pid: r.pid } : {}),
    uuid: r.uuid,
    ...(r.startedAt ? { startedAt: r.startedAt } : {}),
    ...(live && r.startedAt ? { uptimeMs: Date.now() - Date.parse(r.startedAt) } : {}),
    ports: r.plan.ports,
    agent: agentKnown ? agentKnown.status : r.plan.task.config.guest_agent ? 'unknown' : 'disabled',
    ...(agentKnown?.at ? { agentSeenAt: agentKnown.at } : {}),
    ...(r.lastExit ? { lastExit: r.lastExit } : {}),
    disposable: r.plan.task.disposable,
    ...(r.taskFile ? { taskFile: r.taskFile } : {}),
    argv: r.plan.argv,
    binary: r.plan.binary,
    ...(r.plan.cloudInit ? { ssh: sshAccessOf(r.plan)! } : {}),
  };
}
