// The Checks tab's pure core: checks as form rows and back (every kind, unknown keys kept), the JSON view's
// parse errors with line and column, and the problems found by `vmdesk test`'s own schema with their JSON path
// and the row field they belong to; the live run reducer and the "Last runs" helpers.
import { describe, expect, it } from 'vitest';
import { checksIssues, checksToJson, checkToRow, fieldOfPath, jsonErrorOffset, newCheckRow, parseChecksJson, rowErrors, rowToCheck } from '../../../src/renderer/src/lib/checks-form';
import { applyLiveEvent } from '../../../src/shared/checks-live';
import { consoleAtFailure, plainConsole, screenshotFiles } from '../../../src/renderer/src/lib/test-runs';
import type { TestRun } from '../../../src/shared/test-report';

const issueSpec = [
  { name: 'boots', console: 'login: |READY', timeout: '90s' },
  { name: 'web up', http: { port: 'http', path: '/', status: 200, body: 'ok', headers: { 'content-type': 'text/html' } }, timeout: '30s' },
  { name: 'port', port: 'http', timeout: '30s' },
  { name: 'uname', agent: { command: ['/bin/uname', '-s'], exit_code: 0, stdout: 'Linux' }, timeout: '30s' },
  { name: 'ssh', ssh: { command: ['systemctl', 'is-system-running'], stdout: 'running' } },
  { name: 'screen', screen: { settled: '5s' } },
  { name: 'powers off', shutdown: true, timeout: '30s' },
  { name: 'prompt', console: '# $', send: 'echo hi\n' },
];

describe('checks as form rows', () => {
  it('round-trips the issue\'s example spec, every kind, unchanged (http.headers kept though the form does not edit them)', () => {
    const back = issueSpec.map((c) => rowToCheck(checkToRow(c)));
    expect(back).toEqual(issueSpec);
    expect(checksIssues(back, { http: 80 })).toEqual([]);
  });

  it('reads each kind into its fields', () => {
    expect(checkToRow(issueSpec[1])).toMatchObject({ kind: 'http', port: 'http', path: '/', status: '200', body: 'ok', timeout: '30s', httpKeep: { headers: { 'content-type': 'text/html' } } });
    expect(checkToRow(issueSpec[3])).toMatchObject({ kind: 'agent', command: '/bin/uname -s', exitCode: '0', stdout: 'Linux' });
    expect(checkToRow({ name: 'q', agent: { command: ['/bin/sh', '-c', 'echo "a b"'] } }).command).toBe('/bin/sh -c "echo \\"a b\\""');
  });

  it('writes typed text: whole numbers become numbers, empty optionals are left out, quoted words stay one argument', () => {
    const row = newCheckRow('agent', { name: 'q', command: '/bin/sh -c "echo a b"', exitCode: ' 3 ', stdout: '' });
    expect(rowToCheck(row)).toEqual({ name: 'q', agent: { command: ['/bin/sh', '-c', 'echo a b'], exit_code: 3 } });
    expect(rowToCheck(newCheckRow('http', { name: 'h', port: 'web', status: '2oo' }))).toEqual({ name: 'h', http: { port: 'web', path: '/', status: '2oo' } });
    expect(rowToCheck(newCheckRow('screen', { name: 's' }))).toEqual({ name: 's', screen: {} });
    expect(rowToCheck(newCheckRow('shutdown', { name: 'off', timeout: '30s' }))).toEqual({ name: 'off', shutdown: true, timeout: '30s' });
  });

  it('keeps keys it does not know, so the schema still names them', () => {
    const row = checkToRow({ name: 'x', console: 'a', retries: 3 });
    expect(rowToCheck(row)).toEqual({ name: 'x', console: 'a', retries: 3 });
    expect(checksIssues([rowToCheck(row)], {})).toEqual([{ where: 'checks[0].retries', row: 0, field: 'kind', message: expect.stringMatching(/^unknown key; known keys are name, timeout, console/) }]);
  });
});

describe('problems as the user types', () => {
  it('names each problem by its JSON path and its row field, with the schema\'s words', () => {
    const issues = checksIssues(
      [
        { name: '', console: '(' },
        { name: 'h', http: { port: 'http', path: 'x', status: '2oo' }, timeout: 'soon' },
        { name: 'a', agent: { command: [] } },
      ],
      { http: 80 },
    );
    expect(issues.map((i) => [i.where, i.row, i.field])).toEqual([
      ['checks[0].name', 0, 'name'],
      ['checks[0].console', 0, 'console'],
      ['checks[1].timeout', 1, 'timeout'],
      ['checks[1].http.path', 1, 'path'],
      ['checks[1].http.status', 1, 'status'],
      ['checks[2].agent.command', 2, 'command'],
    ]);
    expect(rowErrors(issues, 0)).toEqual({ name: 'give the check a name', console: 'not a valid regular expression (JavaScript syntax)' });
    expect(rowErrors(issues, 1).timeout).toMatch(/expected a duration such as "90s"/);
    expect(rowErrors(issues, 2).command).toMatch(/give the program and its arguments/);
  });

  it('a check with no kind, two kinds, a duplicate name, or a label the port_map lacks', () => {
    expect(checksIssues([{ name: 'x' }], {})[0]).toMatchObject({ where: 'checks[0]', field: 'kind', message: expect.stringMatching(/^give exactly one of console, port/) });
    expect(checksIssues([{ name: 'x', console: 'a', port: 'http' }], { http: 80 })[0]!.message).toMatch(/found console and port/);
    expect(checksIssues([{ name: 'x', console: 'a' }, { name: 'x', console: 'b' }], {})).toEqual([
      { where: 'checks[1].name', row: 1, field: 'name', message: '"x" is used by an earlier check; names must be unique' },
    ]);
    expect(checksIssues([{ name: 'w', http: { port: 'web', path: '/' } }], { http: 80 })).toEqual([
      { where: 'checks[0].http.port', row: 0, field: 'port', message: 'the task\'s port_map has no label "web" (it has http); add it to config.port_map and ports' },
    ]);
  });

  it('maps paths inside a check to the row field', () => {
    expect(fieldOfPath(['agent', 'exit_code'])).toBe('exitCode');
    expect(fieldOfPath(['ssh', 'command', 0])).toBe('command');
    expect(fieldOfPath(['http', 'headers', 'x'])).toBe('body');
    expect(fieldOfPath(['screen', 'settled'])).toBe('settled');
    expect(fieldOfPath([])).toBe('kind');
  });
});

describe('the JSON view', () => {
  it('parses a list; says where a syntax error is; refuses what is not a list', () => {
    expect(parseChecksJson(checksToJson(issueSpec))).toEqual({ ok: true, checks: issueSpec });
    expect(parseChecksJson('  ')).toEqual({ ok: true, checks: [] });
    const bad = parseChecksJson('[\n  { "name": "x",\n    "console": }\n]');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toBe("not valid JSON: Unexpected token '}' (line 3, column 16)");
    expect(parseChecksJson('[{"a": 1,}]')).toEqual({ ok: false, message: expect.stringMatching(/\(line 1, column 10\)$/) });
    for (const good of ['[]', '[{"a":[1,-2.5e3,true,false,null,"x\\"y"]}]', ' {"k": {}} ']) {
      expect(jsonErrorOffset(good)).toBeUndefined();
      expect(() => JSON.parse(good)).not.toThrow();
    }
    for (const [bad, at] of [['[1,]', 3], ['[1 2]', 3], ['{"a" 1}', 5], ['[tru]', 1], ['[1] x', 4], ['["a', 3]] as const) {
      expect(jsonErrorOffset(bad), bad).toBe(at);
      expect(() => JSON.parse(bad)).toThrow();
    }
    expect(parseChecksJson('{ "checks": [] }')).toEqual({ ok: false, message: expect.stringMatching(/^expected a list of checks/) });
  });
});

describe('a run as it happens', () => {
  it('goes waiting -> running -> passed/failed; what never ran is skipped when it ends', () => {
    let run = applyLiveEvent(undefined, { kind: 'started', resultsDir: '/r', startedAt: 't', checks: [{ name: 'a', kind: 'console' }, { name: 'b', kind: 'port' }, { name: 'c', kind: 'agent' }] });
    expect(run!.checks.map((c) => c.state)).toEqual(['waiting', 'waiting', 'waiting']);
    run = applyLiveEvent(run, { kind: 'vm', vm: 'x-test-1' });
    run = applyLiveEvent(run, { kind: 'check-started', index: 0, at: '2026-12-04T00:00:00Z' });
    expect(run!.checks[0]).toMatchObject({ state: 'running', startedAt: '2026-12-04T00:00:00Z' });
    run = applyLiveEvent(run, { kind: 'check-ended', index: 0, result: { name: 'a', kind: 'console', status: 'passed', durationMs: 1200, message: 'ok', evidence: {} } });
    run = applyLiveEvent(run, { kind: 'check-started', index: 1, at: 't2' });
    run = applyLiveEvent(run, { kind: 'stopping' });
    expect(run!.stopping).toBe(true);
    run = applyLiveEvent(run, { kind: 'finished', status: 'stopped' });
    expect(run).toMatchObject({ vm: 'x-test-1', status: 'stopped', stopping: false });
    expect(run!.checks.map((c) => [c.state, c.durationMs])).toEqual([['passed', 1200], ['skipped', undefined], ['skipped', undefined]]);
    expect(applyLiveEvent(undefined, { kind: 'vm', vm: 'x' })).toBeUndefined();
  });
});

describe('last runs: evidence', () => {
  const run = (checks: TestRun['checks']): TestRun => ({ run: 1, vm: 'v', status: 'failed', startedAt: 't', durationMs: 1, checks, dir: '/r/1' });
  it('splits the console at the moment a console check failed (the file may start later than the run)', () => {
    const r = run([{ name: 'c', kind: 'console', status: 'failed', durationMs: 5, message: 'no', evidence: { consoleChars: 12 } }]);
    expect(consoleAtFailure('0123456789abcdefgh', 0, r)).toEqual({ before: '0123456789ab', after: 'cdefgh' });
    expect(consoleAtFailure('6789abcdefgh', 6, r)).toEqual({ before: '6789ab', after: 'cdefgh' });
    const other = run([{ name: 'p', kind: 'port', status: 'failed', durationMs: 5, message: 'no', evidence: {} }]);
    expect(consoleAtFailure('all of it', 0, other)).toEqual({ before: 'all of it', after: '' });
  });
  it('shows console text plain: escape sequences gone, a CR overwrite resolved', () => {
    expect(plainConsole('\x1bc\x1b[?7l\x1b[2JSeaBIOS\r\nboot 10%\rboot 100%\nREADY')).toBe('SeaBIOS\nboot 100%\nREADY');
  });
  it('lists the screenshots kept inside the results folder only', () => {
    const r = run([
      { name: 's', kind: 'screen', status: 'passed', durationMs: 5, message: '', evidence: { path: '/r/1/s.png' } },
      { name: 'out', kind: 'screen', status: 'passed', durationMs: 5, message: '', evidence: { path: '/etc/x.png' } },
      { name: 'txt', kind: 'console', status: 'passed', durationMs: 5, message: '', evidence: { path: '/r/1/a.txt' } },
    ]);
    expect(screenshotFiles(r, '/r/1')).toEqual([{ check: 's', file: 's.png' }]);
  });
  it('lists the screenshot taken at a failure after the screen checks\', only inside the results folder', () => {
    const shot = { name: 's', kind: 'screen' as const, status: 'passed' as const, durationMs: 5, message: '', evidence: { path: '/r/1/s.png' } };
    expect(screenshotFiles({ ...run([shot]), failureScreenshot: '/r/1/failure.png' }, '/r/1')).toEqual([
      { check: 's', file: 's.png' },
      { check: 'at the failure', file: 'failure.png' },
    ]);
    expect(screenshotFiles({ ...run([]), failureScreenshot: '/elsewhere/failure.png' }, '/r/1')).toEqual([]);
  });
});
