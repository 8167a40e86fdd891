// The guest agent status as last seen, with when, kept next to the VM's state record (agent.json) so that any
// vmdesk process (`vmdesk inspect` after `vmdesk agent NAME ifaces`, the app after a CLI call) reports what was
// last seen rather than "unknown". Tied to one run of the VM by its startedAt: a new start forgets it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentStatus } from '../../shared/vm';
import { writeFileAtomicVisible } from './atomic-file';

const AGENT_FILE = 'agent.json';

/** A seen agent status: what it was and when (ISO time). */
export interface AgentSeen {
  status: 'responding' | 'not-responding';
  at: string;
}

/** The agent status this process knows (a session's, or agent.json's), for VmInfo. */
export interface AgentKnown {
  status: AgentStatus;
  at?: string;
}

/** The last seen status of the run that started at `startedAt`, or undefined (none, another run, unreadable). */
export function readAgentSeen(vmDir: string, startedAt: string | undefined): AgentSeen | undefined {
  if (!startedAt) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(vmDir, AGENT_FILE), 'utf8'));
  } catch {
    return undefined; // never seen (no file), or a torn/foreign file: nothing is known
  }
  return parseAgentSeen(raw, startedAt);
}

/** Validates agent.json's content for the run that started at `startedAt`. Pure. */
export function parseAgentSeen(raw: unknown, startedAt: string): AgentSeen | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (r.startedAt !== startedAt) return undefined;
  if (r.status !== 'responding' && r.status !== 'not-responding') return undefined;
  if (typeof r.at !== 'string' || Number.isNaN(Date.parse(r.at))) return undefined;
  return { status: r.status, at: r.at };
}

/** Records a seen status for the run that started at `startedAt` (atomic, visible to other processes at once). */
export function writeAgentSeen(vmDir: string, startedAt: string, seen: AgentSeen): Promise<void> {
  return writeFileAtomicVisible(join(vmDir, AGENT_FILE), `${JSON.stringify({ ...seen, startedAt })}\n`);
}
