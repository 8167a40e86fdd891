// `checks` (issue #16): what `vmdesk test` verifies in a running VM, in order. A task file may hold them, or a
// separate spec file `{ "checks": [...] }` (--spec). Each check has a name, an optional timeout (a Go duration)
// and exactly one kind. Values are kept as written (durations stay strings), so a task round-trips unchanged.
import { z } from 'zod';
import { parseDuration } from './duration';
import { strictObject } from './schema-helpers';

/** The kinds of check, in the order the docs list them. */
export const CHECK_KINDS = ['console', 'port', 'http', 'agent', 'ssh', 'screen', 'shutdown'] as const;

/** One kind of check. */
export type CheckKind = (typeof CHECK_KINDS)[number];

/** Default time a check may take (TCG boots are slow). */
export const CHECK_TIMEOUT_DEFAULT_MS = 120_000;
/** Longest timeout a check may ask for. */
export const CHECK_TIMEOUT_MAX_MS = 3_600_000;
/** At most this many checks in one test. */
export const CHECKS_MAX = 100;

const text = (max: number) => z.string().max(max, { error: `at most ${max} characters` });

const duration = z.string().refine((v) => {
  const ms = parseDuration(v);
  return ms !== undefined && ms > 0 && ms <= CHECK_TIMEOUT_MAX_MS;
}, { error: 'expected a duration such as "90s" (more than 0, at most 1h)' });

const regex = text(4096).refine((v) => {
  try {
    new RegExp(v, 'm');
    return true;
  } catch {
    return false;
  }
}, { error: 'not a valid regular expression (JavaScript syntax)' });

const command = z.array(text(4096)).min(1, { error: 'give the program and its arguments, e.g. ["/bin/true"]' }).max(256);
const label = text(64).min(1, { error: 'give a port_map label' });

/** An HTTP check: a request to the host port forwarded for `port`. */
const httpSchema = strictObject({
  port: label,
  path: text(2048).regex(/^\//, { error: 'must start with "/"' }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'], { error: 'expected GET, HEAD, POST, PUT, DELETE, OPTIONS or PATCH' }).optional(),
  status: z.number().int({ error: 'expected a whole number' }).min(100).max(599).optional(),
  body: regex.optional(),
  headers: z.record(text(256), regex).optional(),
});

/** One check as written. */
export const checkSpecSchema = strictObject({
  name: text(200).min(1, { error: 'give the check a name' }),
  timeout: duration.optional(),
  console: regex.optional(),
  send: text(4096).optional(),
  port: label.optional(),
  http: httpSchema.optional(),
  agent: strictObject({ command, exit_code: z.number().int({ error: 'expected a whole number' }).optional(), stdout: regex.optional() }).optional(),
  ssh: strictObject({ command, stdout: regex.optional() }).optional(),
  screen: strictObject({ settled: duration.optional() }).optional(),
  shutdown: z.literal(true, { error: 'expected true' }).optional(),
}).superRefine((c, ctx) => {
  const kinds = CHECK_KINDS.filter((k) => c[k] !== undefined);
  if (kinds.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: kinds.length === 0 ? `give exactly one of ${CHECK_KINDS.join(', ')}` : `give exactly one of ${CHECK_KINDS.join(', ')} (found ${kinds.join(' and ')})`,
    });
  }
  if (c.send !== undefined && c.console === undefined) ctx.addIssue({ code: 'custom', path: ['send'], message: 'send goes with a console check' });
});

/** One check as written (validated). */
export type CheckSpec = z.output<typeof checkSpecSchema>;

/** The `checks` list of a task file. */
export const checksSchema = z
  .array(checkSpecSchema)
  .max(CHECKS_MAX, { error: `at most ${CHECKS_MAX} checks` })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${c.name}" is used by an earlier check; names must be unique` });
      seen.add(c.name);
    });
  });

/** A --spec file. */
export const checksFileSchema = strictObject({ checks: checksSchema });

/** The kind of a validated check. Pure. */
export function checkKind(c: CheckSpec): CheckKind {
  return CHECK_KINDS.find((k) => c[k] !== undefined)!;
}

/** A check's timeout in ms (the default when unset). Pure. */
export function checkTimeoutMs(c: CheckSpec): number {
  return c.timeout !== undefined ? parseDuration(c.timeout)! : CHECK_TIMEOUT_DEFAULT_MS;
}

/** A zod path as `checks[2].http.status`. Pure. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
}

/** Result of parsing a spec: the checks, or the first error as `path: message`. */
export type ChecksParseResult = { ok: true; checks: CheckSpec[] } | { ok: false; message: string };

/** Parses a --spec file's JSON (`{ "checks": [...] }`). Pure. */
export function parseChecksFile(input: unknown): ChecksParseResult {
  const r = checksFileSchema.safeParse(input);
  if (r.success) return { ok: true, checks: r.data.checks };
  const issue = r.error.issues[0]!;
  const field = formatPath(issue.path);
  return { ok: false, message: field ? `${field}: ${issue.message}` : issue.message };
}

/**
 * What a task's port_map must provide for its checks: port/http labels must be mapped. Returns the first
 * problem as `checks[i].port: ...`, or undefined. Pure.
 */
export function checkLabelsProblem(checks: CheckSpec[], portMap: Record<string, number>): string | undefined {
  const labels = Object.keys(portMap);
  for (const [i, c] of checks.entries()) {
    const l = c.port ?? c.http?.port;
    if (l !== undefined && !labels.includes(l)) {
      const where = c.port !== undefined ? `checks[${i}].port` : `checks[${i}].http.port`;
      return `${where}: the task's port_map has no label "${l}" (${labels.length ? `it has ${labels.join(', ')}` : 'it maps no ports'}); add it to config.port_map and ports`;
    }
  }
  return undefined;
}
