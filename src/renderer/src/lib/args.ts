// Extra QEMU args as the user types them: a shell-like token list (quotes group, no expansion).

/** Splits an args line into tokens: whitespace separates, '…' and "…" group, backslash escapes in "…". */
export function tokenizeArgs(text: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) tokens.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += ch;
      inToken = true;
    }
  }
  if (inToken) tokens.push(cur);
  return tokens;
}

export { commandLine, shellQuote } from '../../../shared/shell-words';

/** Tokens joined back into the form's text (the inverse of tokenizeArgs for what it produced). */
export function joinArgs(tokens: readonly string[]): string {
  return tokens.map((t) => (t !== '' && /^[^\s'"\\]+$/.test(t) ? t : `"${t.replace(/(["\\])/g, '\\$1')}"`)).join(' ');
}

/**
 * The option tokens that the allowlist does not allow, as the driver checks them: every token that
 * starts with "-" (trimmed, with "--x" read as "-x") must be listed. An empty allowlist allows all.
 */
export function argsNotAllowed(tokens: readonly string[], allowlist: readonly string[]): string[] {
  if (allowlist.length === 0) return [];
  const allowed = new Set(allowlist.map((a) => normaliseOption(a.trim())));
  return tokens
    .map((t) => t.trim())
    .filter((t) => t.startsWith('-') && !allowed.has(normaliseOption(t)));
}

function normaliseOption(opt: string): string {
  const bare = opt.replace(/^--?/, '');
  return `-${bare}`;
}
