// A small structural check for vmdesk's own state record (vm.json), without zod: `vmdesk ls` and `inspect` read
// every record, and loading zod cost them about 30 ms of CPU per run (issue #17). The record is written by
// vmdesk itself (never by a task file, a Nomad job or the renderer: those stay with zod); this check only
// tells a damaged or foreign file from a good one, and names the first field that is wrong.

/** What a field must be. */
export type FieldRule =
  | 'string'
  | 'nonempty'
  | 'number'
  | 'boolean'
  | 'positive-int'
  | { optional: FieldRule }
  | { object: Record<string, FieldRule> }
  | { array: FieldRule }
  | { oneOf: readonly (string | number)[] };

function describe(rule: FieldRule): string {
  if (typeof rule === 'string') return rule === 'nonempty' ? 'a non-empty string' : rule === 'positive-int' ? 'a positive integer' : `a ${rule}`;
  if ('optional' in rule) return describe(rule.optional);
  if ('object' in rule) return 'an object';
  if ('array' in rule) return 'an array';
  return `one of ${rule.oneOf.map((v) => JSON.stringify(v)).join(', ')}`;
}

/** The first field of `value` that breaks `rule`, as "path: expected ..."; undefined when it holds. Extra keys pass. Pure. */
export function checkFields(value: unknown, rule: FieldRule, path: string[] = []): string | undefined {
  const wrong = () => `${path.join('.') || 'record'}: expected ${describe(rule)}`;
  if (typeof rule === 'object' && 'optional' in rule) return value === undefined ? undefined : checkFields(value, rule.optional, path);
  switch (rule) {
    case 'string':
      return typeof value === 'string' ? undefined : wrong();
    case 'nonempty':
      return typeof value === 'string' && value.length > 0 ? undefined : wrong();
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : wrong();
    case 'boolean':
      return typeof value === 'boolean' ? undefined : wrong();
    case 'positive-int':
      return Number.isInteger(value) && (value as number) > 0 ? undefined : wrong();
  }
  if ('oneOf' in rule) return rule.oneOf.includes(value as string | number) ? undefined : wrong();
  if ('array' in rule) {
    if (!Array.isArray(value)) return wrong();
    for (let i = 0; i < value.length; i++) {
      const bad = checkFields(value[i], rule.array, [...path, String(i)]);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return wrong();
  for (const [key, sub] of Object.entries(rule.object)) {
    const bad = checkFields((value as Record<string, unknown>)[key], sub, [...path, key]);
    if (bad) return bad;
  }
  return undefined;
}
