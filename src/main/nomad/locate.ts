// Line numbers for HCL blocks and attributes. hcl2json returns values without source positions, so this
// scans the (already validated) HCL text for its block structure only: block headers, labels, attribute
// names and the lines they start on. Values are never interpreted here; the real parser does that.
// Paths use the same shape as the importer's walk over hcl2json's output:
//   job.web[0]/group.g[0]/task.t[0]/artifact[1]   (block type, labels, occurrence index among equals)
//   job.web[0]/group.g[0]/task.t[0]/config[0]/=args (an attribute)

/** Map from a block or attribute path to its 1-based line. */
export type LineIndex = ReadonlyMap<string, number>;

type Token =
  | { kind: 'ident'; text: string; line: number }
  | { kind: 'string'; text: string; line: number }
  | { kind: 'punct'; text: string; line: number }
  | { kind: 'newline'; line: number };

/** Splits HCL text into the tokens the structure walk needs (comments dropped, strings and heredocs kept whole). */
function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      tokens.push({ kind: 'newline', line });
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let k = i; k < stop; k++) if (src[k] === '\n') line++;
      i = stop;
    } else if (c === '"') {
      const start = line;
      const r = skipQuoted(src, i, line);
      tokens.push({ kind: 'string', text: unquote(src.slice(i + 1, r.end - 1)), line: start });
      i = r.end;
      line = r.line;
    } else if (c === '<' && src[i + 1] === '<' && /[-A-Za-z_]/.test(src[i + 2] ?? '')) {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(src.slice(i));
      if (!m) {
        tokens.push({ kind: 'punct', text: '<', line });
        i++;
        continue;
      }
      const start = line;
      i += m[0].length;
      line++;
      // The heredoc ends at the first line whose trimmed text is the marker.
      for (;;) {
        const eol = src.indexOf('\n', i);
        const text = src.slice(i, eol < 0 ? n : eol);
        i = eol < 0 ? n : eol;
        if (text.trim() === m[1] || eol < 0) break;
        i++;
        line++;
      }
      tokens.push({ kind: 'string', text: '', line: start });
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_-]/.test(src[j]!)) j++;
      tokens.push({ kind: 'ident', text: src.slice(i, j), line });
      i = j;
    } else {
      tokens.push({ kind: 'punct', text: c, line });
      i++;
    }
  }
  return tokens;
}

// Skips a quoted template starting at `start` (the opening quote), including `${ ... }` and `%{ ... }`
// sequences that may hold nested quoted strings. Returns the index after the closing quote.
function skipQuoted(src: string, start: number, line: number): { end: number; line: number } {
  let i = start + 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') i += 2;
    else if (c === '"') return { end: i + 1, line };
    else if ((c === '$' || c === '%') && src[i + 1] === c && src[i + 2] === '{') i += 3;
    else if ((c === '$' || c === '%') && src[i + 1] === '{') {
      let depth = 1;
      i += 2;
      while (i < src.length && depth > 0) {
        const d = src[i]!;
        if (d === '"') {
          const r = skipQuoted(src, i, line);
          i = r.end;
          line = r.line;
          continue;
        }
        if (d === '{') depth++;
        else if (d === '}') depth--;
        else if (d === '\n') line++;
        i++;
      }
    } else {
      if (c === '\n') line++;
      i++;
    }
  }
  return { end: src.length, line };
}

function unquote(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/**
 * Indexes the lines of every block and attribute in valid HCL text. For text the real parser rejected,
 * the result is partial and must not be used.
 */
export function indexLines(src: string): LineIndex {
  const tokens = tokenize(src);
  const index = new Map<string, number>();
  let pos = 0;

  const skipNewlines = () => {
    while (tokens[pos]?.kind === 'newline') pos++;
  };

  // Skips an attribute's expression: up to the newline at bracket depth 0.
  const skipExpression = () => {
    let depth = 0;
    while (pos < tokens.length) {
      const t = tokens[pos]!;
      if (t.kind === 'newline' && depth === 0) return;
      if (t.kind === 'punct' && '([{'.includes(t.text)) depth++;
      if (t.kind === 'punct' && ')]}'.includes(t.text)) {
        if (depth === 0) return; // a one-line block's closing brace
        depth--;
      }
      pos++;
    }
  };

  const walkBody = (prefix: string) => {
    const seen = new Map<string, number>();
    for (;;) {
      skipNewlines();
      const t = tokens[pos];
      if (!t || (t.kind === 'punct' && t.text === '}')) return;
      if (t.kind !== 'ident') {
        pos++;
        continue;
      }
      pos++;
      const next = tokens[pos];
      if (next?.kind === 'punct' && next.text === '=') {
        pos++;
        index.set(`${prefix}=${t.text}`, t.line);
        skipExpression();
        continue;
      }
      const labels: string[] = [];
      while (tokens[pos]?.kind === 'string' || tokens[pos]?.kind === 'ident') {
        labels.push((tokens[pos] as { text: string }).text);
        pos++;
      }
      if (!(tokens[pos]?.kind === 'punct' && (tokens[pos] as { text: string }).text === '{')) continue;
      pos++;
      const key = [t.text, ...labels].join('.');
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      const path = `${prefix}${key}[${occurrence}]`;
      index.set(path, t.line);
      walkBody(`${path}/`);
      if (tokens[pos]?.kind === 'punct') pos++; // the closing brace
    }
  };

  while (pos < tokens.length) {
    walkBody('');
    pos++; // a stray closing brace at top level (not in valid HCL)
  }
  return index;
}
