// The Checks tab's editor, pure: a task's `checks` (src/shared/checks.ts) as form rows and back, the JSON view's
// parse, and the problems of either, found by the same zod schema `vmdesk test` uses, each with its JSON path
// (`checks[1].http.status`) and the row field it belongs to. Keys the form does not edit are kept as loaded.
import { CHECK_KINDS, checkLabelsProblem, checksSchema, formatPath, type CheckKind, type CheckSpec } from '../../../shared/checks';
import { joinArgs, tokenizeArgs } from './args';

/** One check as the form edits it (every value as typed). */
export interface CheckRow {
  id: number;
  name: string;
  kind: CheckKind;
  timeout: string;
  /** console: the regular expression, and text to send first. */
  console: string;
  send: string;
  /** port and http: the port_map label. */
  port: string;
  /** http. */
  path: string;
  method: string;
  status: string;
  body: string;
  /** agent and ssh: the program and its arguments as shell words. */
  command: string;
  /** agent. */
  exitCode: string;
  /** agent and ssh: a regular expression for stdout. */
  stdout: string;
  /** screen. */
  settled: string;
  /** What the form does not edit, kept for the way back: the check's own unknown keys, http.headers. */
  keep: Record<string, unknown>;
  httpKeep: Record<string, unknown>;
}

/** A field of a row that can carry an error. */
export type CheckField = 'name' | 'kind' | 'timeout' | 'console' | 'send' | 'port' | 'path' | 'method' | 'status' | 'body' | 'command' | 'exitCode' | 'stdout' | 'settled';

/** One problem: its JSON path in the task, the row and field it belongs to, and the message. */
export interface ChecksIssue {
  /** `checks[1].http.status`, or `checks` for the list itself. */
  where: string;
  row?: number;
  field?: CheckField;
  message: string;
}

let nextId = 1;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** An empty row of `kind`. */
export function newCheckRow(kind: CheckKind = 'console', patch: Partial<CheckRow> = {}): CheckRow {
  return { id: nextId++, name: '', kind, timeout: '', console: '', send: '', port: '', path: '/', method: '', status: '', body: '', command: '', exitCode: '', stdout: '', settled: '', keep: {}, httpKeep: {}, ...patch };
}

/** A check as written (maybe invalid) as a row. Pure apart from the row id. */
export function checkToRow(value: unknown): CheckRow {
  const c = obj(value);
  const kind = CHECK_KINDS.find((k) => c[k] !== undefined) ?? 'console';
  const body = obj(c[kind]);
  const { name, timeout, send, ...rest } = c;
  delete rest[kind];
  const row = newCheckRow(kind, { name: str(name), timeout: str(timeout), send: str(send), keep: rest });
  switch (kind) {
    case 'console':
      return { ...row, console: str(c.console) };
    case 'port':
      return { ...row, port: str(c.port) };
    case 'http': {
      const { port, path, method, status, body: re, ...httpKeep } = body;
      return { ...row, port: str(port), path: str(path), method: str(method), status: str(status), body: str(re), httpKeep };
    }
    case 'agent':
    case 'ssh':
      return { ...row, command: Array.isArray(body.command) ? joinArgs(body.command.map(str)) : str(body.command), exitCode: str(body.exit_code), stdout: str(body.stdout) };
    case 'screen':
      return { ...row, settled: str(body.settled) };
    case 'shutdown':
      return row;
  }
}

/** A typed whole number as a number; anything else as typed (the schema then says what is wrong). Pure. */
function numberish(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

const optional = <T>(key: string, v: T | undefined | '') => (v === undefined || v === '' ? {} : { [key]: v });

/** A row as the check it writes (name, kind, then timeout: the order of the docs' examples). Pure. */
export function rowToCheck(row: CheckRow): Record<string, unknown> {
  const command = tokenizeArgs(row.command);
  const kindValue: Record<CheckKind, unknown> = {
    console: row.console,
    port: row.port,
    http: { port: row.port, path: row.path, ...optional('method', row.method), ...optional('status', numberish(row.status)), ...optional('body', row.body), ...row.httpKeep },
    agent: { command, ...optional('exit_code', numberish(row.exitCode)), ...optional('stdout', row.stdout) },
    ssh: { command, ...optional('stdout', row.stdout) },
    screen: { ...optional('settled', row.settled.trim()) },
    shutdown: true,
  };
  return {
    name: row.name,
    [row.kind]: kindValue[row.kind],
    ...(row.kind === 'console' ? optional('send', row.send) : {}),
    ...optional('timeout', row.timeout.trim()),
    ...row.keep,
  };
}

/** The JSON view's text: the checks, two-space indented. Pure. */
export function checksToJson(checks: unknown[]): string {
  return `${JSON.stringify(checks, null, 2)}\n`;
}

/** The JSON view's text read back: the list, or what is wrong with the text (line and column for a syntax error). Pure. */
export function parseChecksJson(text: string): { ok: true; checks: unknown[] } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, checks: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `not valid JSON: ${jsonErrorWhere(text, (err as Error).message)}` };
  }
  if (!Array.isArray(value)) return { ok: false, message: 'expected a list of checks: [ { "name": …, "console": … }, … ]' };
  return { ok: true, checks: value };
}

/** The JSON error with its line and column (found by jsonErrorOffset; V8 gives a position only for some errors). Pure. */
function jsonErrorWhere(text: string, message: string): string {
  const at = jsonErrorOffset(text);
  const short = message.replace(/\s*in JSON at position \d+.*$/, '').replace(/, (\.\.\.)?"[\s\S]*" is not valid JSON$/, '');
  if (at === undefined) return short;
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return `${short} (line ${line}, column ${column})`;
}

/** Where JSON text first goes wrong (a small recursive-descent reader), or undefined when it parses. Pure. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => (text.startsWith(word, i) ? (i += word.length) : fail());
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return void literal('true');
    if (ch === 'f') return void literal('false');
    if (ch === 'n') return void literal('null');
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    return i < text.length ? i : undefined;
  } catch (at) {
    return at as number;
  }
}

/** The row field a path inside one check points at (`['http', 'status']` -> status). Pure. */
export function fieldOfPath(path: ReadonlyArray<PropertyKey>): CheckField | undefined {
  const [top, sub] = path;
  if (top === undefined) return 'kind';
  if (top === 'name' || top === 'timeout' || top === 'console' || top === 'send') return top;
  if (top === 'port') return 'port';
  if (top === 'http') return sub === 'port' || sub === 'path' || sub === 'method' || sub === 'status' || sub === 'body' ? sub : sub === undefined ? 'port' : 'body';
  if (top === 'agent' || top === 'ssh') return sub === 'exit_code' ? 'exitCode' : sub === 'stdout' ? 'stdout' : 'command';
  if (top === 'screen') return 'settled';
  if (top === 'shutdown') return 'kind';
  return 'kind';
}

/** Every problem of `checks` for a task with `portMap`, as `vmdesk test` and Save would find them. Pure. */
export function checksIssues(checks: unknown[], portMap: Record<string, number>): ChecksIssue[] {
  const r = checksSchema.safeParse(checks);
  if (!r.success) {
    return r.error.issues.map((issue) => {
      const [row, ...rest] = issue.path;
      const where = formatPath(['checks', ...issue.path]);
      return typeof row === 'number' ? { where, row, field: fieldOfPath(rest), message: issue.message } : { where, message: issue.message };
    });
  }
  const labels = checkLabelsProblem(r.data as CheckSpec[], portMap);
  if (!labels) return [];
  const m = /^checks\[(\d+)\]\.[a-z.]+: (.*)$/s.exec(labels);
  return [{ where: labels.slice(0, labels.indexOf(':')), ...(m ? { row: Number(m[1]), field: 'port' as const, message: m[2]! } : { message: labels }) }];
}

/** The first problem of each field of row `index`. Pure. */
export function rowErrors(issues: ChecksIssue[], index: number): Partial<Record<CheckField, string>> {
  const out: Partial<Record<CheckField, string>> = {};
  for (const i of issues) if (i.row === index && i.field && !out[i.field]) out[i.field] = i.message;
  return out;
}
