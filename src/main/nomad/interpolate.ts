// Nomad's `${...}` runtime interpolation, resolved to local meanings where vmdesk has one. Pure.
// HCL keeps template escapes as written: `$${` and `%%{` are literal `${` and `%{` (the HCL2 spec,
// "Template Literals"); what is left after resolving is written to the task file as plain text.

/** The result of interpolating one string. */
export interface Interpolated {
  value: string;
  /** Interpolations and directives that were kept as written (`${VMNAME}`, `%{ if ... }`). */
  unresolved: string[];
}

/**
 * Resolves `${NAME}` sequences with `resolve`; everything else is kept and listed. `hcl` (default true): the
 * text is an HCL template as hcl2json returns it, so `$${`/`%%{` are escapes and `%{...}` directives count.
 * API JSON strings are plain: Nomad's client only replaces `${...}` at run time and knows no escapes.
 */
export function interpolate(text: string, resolve: (name: string) => string | undefined, opts: { hcl?: boolean } = {}): Interpolated {
  const hcl = opts.hcl ?? true;
  let out = '';
  const unresolved: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (hcl && (c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      out += `${c}{`;
      i += 3;
      continue;
    }
    if ((c === '$' || (hcl && c === '%')) && text[i + 1] === '{') {
      const end = closingBrace(text, i + 2);
      const whole = text.slice(i, end + 1);
      const inner = text.slice(i + 2, end).trim().replace(/^~|~$/g, '').trim();
      const value = c === '$' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(inner) ? resolve(inner) : undefined;
      if (value === undefined) {
        unresolved.push(whole);
        out += whole;
      } else {
        out += value;
      }
      i = end + 1;
      continue;
    }
    out += c;
    i++;
  }
  return { value: out, unresolved };
}

// Index of the `}` closing a sequence whose body starts at `from` (nested braces and quoted strings skipped).
function closingBrace(text: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
    i++;
  }
  return text.length - 1;
}

/** Names of the port labels a string refers to through NOMAD_PORT_x, NOMAD_HOST_PORT_x or NOMAD_(HOST_)ADDR_x. */
export function portLabelsReferenced(text: string): string[] {
  // (An escaped $${...} in HCL is skipped; in API JSON it cannot occur in a job Nomad wrote.)
  const labels: string[] = [];
  const re = /\$\{\s*NOMAD_(?:HOST_)?(?:PORT|ADDR)_([A-Za-z0-9_-]+)\s*\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (text[m.index - 1] === '$') continue; // an escaped $${...}
    labels.push(m[1]!);
  }
  return labels;
}

/** Every string inside a config value (strings, lists, nested maps), for scanning. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Applies `fn` to every string inside a config value, keeping its shape. */
export function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}
