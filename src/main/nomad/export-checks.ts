// Export of a task's `vmdesk test` checks as Nomad services (issue #16). Pure. `http` and `port` checks become
// `http` and `tcp` checks of one service per port label (provider "nomad": Nomad's own service discovery, no
// Consul needed), which `vmdesk import` maps back (map-checks.ts). `agent` checks cannot become `script` checks:
// Nomad runs a script check through the task driver's exec, and the qemu driver has none (its capabilities:
// `nomad alloc exec` false), so they stay notes, like console/ssh/screen/shutdown, which Nomad has no check for.
import type { CheckSpec } from '../../shared/checks';
import { checkKind } from '../../shared/checks';
import type { Task } from '../../shared/task';

/** How often Nomad runs an exported check, and how long one attempt may take (vmdesk's own timeout is for all attempts). */
export const EXPORTED_CHECK_INTERVAL_MS = 10_000;
export const EXPORTED_CHECK_TIMEOUT_MS = 5_000;

/** One exported Nomad service check. */
export interface ExportCheck {
  name: string;
  type: 'http' | 'tcp';
  path?: string;
  method?: string;
  intervalMs: number;
  timeoutMs: number;
}

/** One exported Nomad service: a port label and its checks. */
export interface ExportService {
  name: string;
  port: string;
  checks: ExportCheck[];
}

/** A Nomad service name for a task's port label (lower-case letters, digits and dashes, at most 63). Pure. */
export function serviceName(task: string, label: string): string {
  const name = `${task}-${label}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, 63).replace(/-+$/, '');
  return name || 'vmdesk';
}

/** What of an http check Nomad cannot check (it passes on any 2xx status and reads no body or header). Pure. */
function httpLosses(h: NonNullable<CheckSpec['http']>): string[] {
  const lost: string[] = [];
  if (h.status !== undefined && (h.status < 200 || h.status > 299)) lost.push(`status ${h.status} (Nomad passes on any 2xx)`);
  if (h.body !== undefined) lost.push('the body pattern');
  if (h.headers !== undefined && Object.keys(h.headers).length > 0) lost.push('the response header patterns');
  return lost;
}

/** The services (checks) a task's checks export to, and a note for each check that does not. Pure. */
export function exportChecks(task: Task): { services: ExportService[]; notes: string[] } {
  const byLabel = new Map<string, ExportService>();
  const notes: string[] = [];
  const vmdeskOnly: string[] = [];
  for (const c of task.checks ?? []) {
    const kind = checkKind(c);
    const label = kind === 'http' ? c.http!.port : kind === 'port' ? c.port! : undefined;
    if (label === undefined) {
      if (kind === 'agent') {
        notes.push(`agent check "${c.name}" is not exported: Nomad runs a script check through the task driver's exec, and the qemu driver has none (nomad alloc exec: false); it stays a vmdesk test check`);
      } else vmdeskOnly.push(`"${c.name}" (${kind})`);
      continue;
    }
    if (!(label in task.ports)) {
      notes.push(`${kind} check "${c.name}" is not exported: its port label "${label}" is not among the task's ports`);
      continue;
    }
    const service = byLabel.get(label) ?? { name: serviceName(task.name, label), port: label, checks: [] };
    byLabel.set(label, service);
    const timing = { intervalMs: EXPORTED_CHECK_INTERVAL_MS, timeoutMs: EXPORTED_CHECK_TIMEOUT_MS };
    if (kind === 'port') {
      service.checks.push({ name: c.name, type: 'tcp', ...timing });
    } else {
      const h = c.http!;
      service.checks.push({ name: c.name, type: 'http', path: h.path, ...(h.method && h.method !== 'GET' ? { method: h.method } : {}), ...timing });
      const lost = httpLosses(h);
      if (lost.length) notes.push(`http check "${c.name}" is exported without ${lost.join(', ')}: a Nomad http check cannot check ${lost.length === 1 ? 'it' : 'them'}`);
    }
  }
  if (vmdeskOnly.length) notes.push(`checks ${vmdeskOnly.join(', ')} are vmdesk test's own: Nomad has no check for them, so they are not in the exported job`);
  return { services: [...byLabel.values()], notes };
}
