// Nomad service checks -> `vmdesk test` checks (issue #16). Pure. `http` becomes an http check and `tcp` a port
// check on the same port label (which the task's port_map must map), `script` an agent check running the same
// command in the guest. Nomad's interval/timeout are per attempt and are not carried over: a vmdesk check
// retries until its own timeout. Other types (grpc, ...) and checks on unmapped ports are reported.
import type { CheckSpec } from '../../shared/checks';
import type { NomadServiceCheck } from './job-model';

/** One service check, mapped or refused with the reason. */
export type MappedCheck = { ok: true; check: CheckSpec } | { ok: false; reason: string };

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'] as const;

/** Maps one Nomad service check; `name` is the (unique) name to give it, `labels` the task's port_map labels. Pure. */
export function mapServiceCheck(c: NomadServiceCheck, name: string, labels: readonly string[]): MappedCheck {
  const type = (c.type ?? '').toLowerCase();
  const portProblem = (): string | undefined => {
    if (c.port === undefined) return 'it names no port';
    if (!labels.includes(c.port)) return `its port "${c.port}" is not in the task's port_map (${labels.join(', ') || 'none'})`;
    return undefined;
  };
  if (type === 'http') {
    const bad = portProblem();
    if (bad) return { ok: false, reason: bad };
    const method = (c.method ?? 'GET').toUpperCase();
    if (!(METHODS as readonly string[]).includes(method)) return { ok: false, reason: `method ${c.method} is not supported` };
    const path = c.path && c.path.startsWith('/') ? c.path : `/${c.path ?? ''}`;
    return { ok: true, check: { name, http: { port: c.port!, path, ...(method !== 'GET' ? { method: method as (typeof METHODS)[number] } : {}) } } };
  }
  if (type === 'tcp') {
    const bad = portProblem();
    return bad ? { ok: false, reason: bad } : { ok: true, check: { name, port: c.port! } };
  }
  if (type === 'script') {
    if (!c.command) return { ok: false, reason: 'it has no command' };
    return { ok: true, check: { name, agent: { command: [c.command, ...(c.args ?? [])] } } };
  }
  return { ok: false, reason: `type "${c.type ?? ''}" has no vmdesk equivalent (http, tcp and script do)` };
}

/** A check name not yet in `taken` (Nomad's default name when the check has none), added to `taken`. Pure apart from `taken`. */
export function uniqueCheckName(wanted: string | undefined, fallback: string, taken: Set<string>): string {
  const base = (wanted?.trim() || fallback).slice(0, 190);
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base} (${i})`;
  taken.add(name);
  return name;
}
