// The `checks` schema (issue #16): good specs, bad specs reported with their JSON path, the task field
// round-tripping through parseTask/taskToFile and through the app's form.
import { describe, expect, it } from 'vitest';
import { checkKind, checkLabelsProblem, checkTimeoutMs, formatPath, parseChecksFile } from '../../src/shared/checks';
import { parseTask, taskToFile } from '../../src/shared/task';
import { formToTaskFile, taskFileToForm } from '../../src/renderer/src/lib/task-form';

const good = [
  { name: 'boots', console: 'login:', timeout: '90s' },
  { name: 'shell', console: 'hello', send: 'echo hello\n' },
  { name: 'port open', port: 'http' },
  { name: 'web up', http: { port: 'http', path: '/', status: 200, body: 'hello', headers: { 'content-type': 'text/html' } } },
  { name: 'agent', agent: { command: ['/bin/uname', '-a'], exit_code: 0, stdout: 'Linux' } },
  { name: 'ssh', ssh: { command: ['true'] } },
  { name: 'screen', screen: { settled: '2s' } },
  { name: 'stops', shutdown: true },
];

describe('checks schema', () => {
  it('accepts every kind and tells them apart', () => {
    const r = parseChecksFile({ checks: good });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.checks.map(checkKind)).toEqual(['console', 'console', 'port', 'http', 'agent', 'ssh', 'screen', 'shutdown']);
    expect(checkTimeoutMs(r.checks[0]!)).toBe(90_000);
    expect(checkTimeoutMs(r.checks[2]!)).toBe(120_000);
  });

  it.each([
    [{ checks: [good[0], good[1], { name: 'x', http: { port: 'http', path: '/', status: '200' } }] }, 'checks[2].http.status: expected a number'],
    [{ checks: [{ name: 'x' }] }, 'checks[0]: give exactly one of console, port, http, agent, ssh, screen, shutdown'],
    [{ checks: [{ name: 'x', console: 'a', port: 'http' }] }, 'checks[0]: give exactly one of console, port, http, agent, ssh, screen, shutdown (found console and port)'],
    [{ checks: [{ name: 'x', console: '(' }] }, 'checks[0].console: not a valid regular expression (JavaScript syntax)'],
    [{ checks: [{ name: 'x', console: 'a', timeout: 'soon' }] }, 'checks[0].timeout: expected a duration such as "90s" (more than 0, at most 1h)'],
    [{ checks: [{ name: 'x', agent: { command: [] } }] }, 'checks[0].agent.command: give the program and its arguments, e.g. ["/bin/true"]'],
    [{ checks: [{ name: 'x', shutdown: false }] }, 'checks[0].shutdown: expected true'],
    [{ checks: [{ name: 'x', consol: 'a' }] }, 'checks[0].consol: unknown key; did you mean console?'],
    [{ checks: [{ name: 'x', console: 'a' }, { name: 'x', port: 'http' }] }, 'checks[1].name: "x" is used by an earlier check; names must be unique'],
    [{ check: [] }, 'check: unknown key; did you mean checks?'],
  ])('refuses %j with its path', (input, message) => {
    expect(parseChecksFile(input)).toEqual({ ok: false, message });
  });

  it('formats paths with indexes in brackets', () => {
    expect(formatPath(['checks', 2, 'http', 'status'])).toBe('checks[2].http.status');
    expect(formatPath([])).toBe('');
  });

  it('finds port labels the task does not map', () => {
    const r = parseChecksFile({ checks: good });
    if (!r.ok) throw new Error(r.message);
    expect(checkLabelsProblem(r.checks, { http: 80 })).toBeUndefined();
    expect(checkLabelsProblem(r.checks, { ssh: 22 })).toMatch(/^checks\[2\]\.port: the task's port_map has no label "http" \(it has ssh\)/);
  });
});

describe('checks in a task file', () => {
  const file = { name: 'web', config: { image_path: 'web.img', port_map: { http: 80 } }, ports: { http: 0 }, checks: good };

  it('validate, and survive parseTask -> taskToFile', () => {
    const r = parseTask(file);
    if (!r.ok) throw new Error(r.message);
    expect(r.task.checks).toEqual(good);
    expect((taskToFile(r.task) as { checks?: unknown }).checks).toEqual(good);
  });

  it('are reported with their JSON path when wrong', () => {
    const r = parseTask({ ...file, checks: [good[0], good[1], { name: 'x', http: { port: 'http', path: '/', status: 'ok' } }] });
    expect(r).toMatchObject({ ok: false, message: 'checks[2].http.status: expected a number' });
  });

  it('are kept by the app form on edit', () => {
    const back = formToTaskFile(taskFileToForm(file));
    expect(back.checks).toEqual(good);
    expect(parseTask(back).ok).toBe(true);
    expect(formToTaskFile(taskFileToForm({ ...file, checks: undefined })).checks).toBeUndefined();
  });
});
