// Whole-number fields in the form (src/renderer/src/lib/number-fields.ts), by table.
import { describe, expect, it } from 'vitest';
import { wholeNumberErrors } from '../../../src/renderer/src/lib/number-fields';
import { emptyForm } from '../../../src/renderer/src/lib/task-form';

describe('wholeNumberErrors', () => {
  it.each([
    [{ memory: '256.5' }, { memory: 'memory is a whole number of MiB, e.g. 256 ("256.5" has a fraction)' }],
    [{ memory: '256,5' }, { memory: 'memory is a whole number of MiB, e.g. 256 ("256,5" has a fraction)' }],
    [{ cores: '1.5' }, { cores: 'cores is a whole number, e.g. 2 ("1.5" has a fraction)' }],
    [{ memory: '256' }, {}],
    [{ memory: 'abc' }, {}],
    [{ memory: '' }, {}],
  ])('%o', (patch, want) => {
    expect(wholeNumberErrors({ ...emptyForm(), ...patch })).toEqual(want);
  });
});
