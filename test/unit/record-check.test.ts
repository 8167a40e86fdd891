// The structural check of vm.json (record-check.ts), which replaced zod on the ls/inspect path: the first
// wrong field is named with its path; extra keys and absent optional fields pass.
import { describe, expect, it } from 'vitest';
import { checkFields, type FieldRule } from '../../src/main/supervisor/record-check';

const rule: FieldRule = {
  object: {
    version: { oneOf: [1] },
    name: 'nonempty',
    pid: { optional: 'positive-int' },
    plan: { object: { argv: { array: 'string' }, ports: { array: { object: { host: 'number' } } }, ok: 'boolean' } },
  },
};
const good = { version: 1, name: 'web', plan: { argv: ['-name', 'web'], ports: [{ host: 8080, extra: true }], ok: true }, more: 'kept' };

describe('checkFields', () => {
  it.each([
    ['a good record (extra keys, no optional pid)', good, undefined],
    ['a good record with a pid', { ...good, pid: 42 }, undefined],
    ['not an object', 'vm', 'record: expected an object'],
    ['an array', [good], 'record: expected an object'],
    ['a newer version', { ...good, version: 2 }, 'version: expected one of 1'],
    ['an empty name', { ...good, name: '' }, 'name: expected a non-empty string'],
    ['a pid that is text', { ...good, pid: 'twelve' }, 'pid: expected a positive integer'],
    ['a negative pid', { ...good, pid: -1 }, 'pid: expected a positive integer'],
    ['a missing plan', { ...good, plan: undefined }, 'plan: expected an object'],
    ['an argv with a number', { ...good, plan: { ...good.plan, argv: ['-m', 128] } }, 'plan.argv.1: expected a string'],
    ['a port without a host', { ...good, plan: { ...good.plan, ports: [{}] } }, 'plan.ports.0.host: expected a number'],
    ['a NaN host', { ...good, plan: { ...good.plan, ports: [{ host: Number.NaN }] } }, 'plan.ports.0.host: expected a number'],
    ['a flag that is a string', { ...good, plan: { ...good.plan, ok: 'yes' } }, 'plan.ok: expected a boolean'],
  ])('%s', (_what, value, expected) => {
    expect(checkFields(value, rule)).toBe(expected);
  });
});
