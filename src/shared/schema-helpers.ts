// Schema building blocks for untrusted input: strict objects that name the nearest known key,
// the HCL-style coercions Nomad accepts, and error formatting with the field's path.
import { z } from 'zod';

// Messages for type errors everywhere: "is required" or "expected a number", never zod's generic wording.
z.config({
  customError: (iss) => {
    if (iss.code !== 'invalid_type') return undefined;
    return iss.input === undefined ? 'is required' : `expected ${describeExpected(iss.expected)}`;
  },
});

/** Levenshtein distance between two short strings (keys, labels). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length]!;
}

/** The known key closest to `key` when it looks like a typo of it (or differs only by `_`/case), else undefined. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = squash(key) === squash(candidate) ? 0 : editDistance(key.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** The message for an unknown key, with a suggestion when one is close. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const near = nearestKey(key, known);
  return near ? `unknown key; did you mean ${near}?` : `unknown key; known keys are ${known.join(', ')}`;
}

/**
 * An object schema that refuses unknown keys (as Nomad's HCL spec does) and reports each one with the
 * nearest known key. Keys that are present with the value `undefined` count as absent.
 */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.preprocess((value, ctx) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const key of Object.keys(value)) {
        if (!known.includes(key)) {
          ctx.issues.push({ code: 'custom', path: [key], message: unknownKeyMessage(key, known), input: value });
        }
      }
    }
    return value;
  }, z.object(shape));
}

/** A boolean that also accepts the strings "true"/"false" (HCL and Nomad's JSON API accept both). */
export const coercedBoolean = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean(),
);

/** An integer that also accepts a decimal string of digits ("80"), as Nomad's HCL decoding does. */
export const coercedInt = z.preprocess(
  (v) => (typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim()) ? Number(v.trim()) : v),
  z.number().int({ error: 'expected a whole number' }),
);

function describeExpected(expected: string): string {
  switch (expected) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'int':
      return 'a whole number';
    default:
      return `a ${expected}`;
  }
}

/** Formats the first zod issue as `path: message`, the path dotted (`config.port_map.http`). */
export function formatIssue(issue: z.core.$ZodIssue): { field: string; message: string } {
  const field = issue.path.map(String).join('.');
  // A record key that fails its schema is reported as "Invalid key in record"; say why instead.
  const inner = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
  const message = inner ?? issue.message;
  return { field, message: field ? `${field}: ${message}` : message };
}

/** Parses `input` with `schema`; returns the value or the first issue formatted with its field path. */
export function parseWith<T>(
  schema: z.ZodType<T>,
  input: unknown,
): { ok: true; value: T } | { ok: false; field: string; message: string } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, ...formatIssue(result.error.issues[0]!) };
}
