// The IPC request parser: every bad shape is refused with BAD_REQUEST before any handler runs.
import { describe, expect, it } from 'vitest';
import { IPC_REQUEST_MAX_BYTES, parseRequest, plainJsonProblem } from '../../src/main/ipc/parse-request';

describe('parseRequest', () => {
  it.each([
    ['inspectVm', [{ name: 'web' }]],
    ['listVms', []],
    ['stopVm', [{ name: 'web', force: true }]],
    ['readLog', [{ name: 'web', stream: 'stderr', offset: 10, limit: 100 }]],
    ['validateTask', [{ task: { anything: ['goes', 1, null] } }]],
  ] as const)('accepts a well-formed %s request', (name, args) => {
    const r = parseRequest(name, args);
    expect(r.ok).toBe(true);
  });

  it.each([
    ['inspectVm', [{ name: 42 }], 'name', /expected a string/],
    ['inspectVm', [{ name: 'Web!' }], 'name', /not a valid VM name/],
    ['inspectVm', [{}], 'name', /is required/],
    ['inspectVm', [{ name: 'web', extra: 1 }], 'extra', /unknown key/],
    ['stopVm', [{ name: 'web', forse: true }], 'forse', /did you mean force/],
    ['readLog', [{ name: 'web', stream: 'stdout' }], 'stream', /stderr|console/],
    ['readLog', [{ name: 'web', stream: 'stderr', limit: 0 }], 'limit', /./],
    ['consoleWrite', [{ name: 'web', data: 'x'.repeat(65537) }], 'data', /./],
  ] as const)('refuses %s %j with a clear code and field', (name, args, field, message) => {
    const r = parseRequest(name, args);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('BAD_REQUEST');
    expect(r.error.field).toBe(field);
    expect(r.error.message).toMatch(message);
    expect(r.error.message.startsWith(`${name}: `)).toBe(true);
  });

  it('refuses arguments on a channel that takes none', () => {
    const r = parseRequest('listVms', [{}]);
    expect(r).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'listVms: takes no arguments' } });
  });

  it('refuses a missing request', () => {
    const r = parseRequest('inspectVm', []);
    expect(r.ok).toBe(false);
  });

  it('refuses more than one argument', () => {
    const r = parseRequest('inspectVm', [{ name: 'a' }, { name: 'b' }]);
    expect(r.ok || r.error.message).toBe('inspectVm: takes at most one argument, got 2');
  });

  it('refuses an oversized request before parsing it', () => {
    const r = parseRequest('validateTask', [{ task: { blob: 'x'.repeat(IPC_REQUEST_MAX_BYTES) } }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/too large/);
  });

  it.each([
    ['a Map', { task: new Map() }],
    ['a Date', { task: new Date() }],
    ['a typed array', { task: new Uint8Array(4) }],
    ['an infinite number', { task: Infinity }],
    ['a class instance', { task: new (class X {})() }],
  ])('refuses %s inside the request', (_label, req) => {
    const r = parseRequest('validateTask', [req]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/plain JSON data/);
  });

  it('refuses a request that refers to itself, and one nested too deeply', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(plainJsonProblem({ task: cyclic })).toMatch(/refers to itself/);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(plainJsonProblem({ task: deep })).toMatch(/nested deeper/);
  });

  it('accepts the same object twice (a DAG is not a cycle)', () => {
    const shared = { a: 1 };
    expect(plainJsonProblem({ x: shared, y: shared })).toBeUndefined();
  });
});
