// Quoting argv words for a POSIX shell, for command lines a user copies or scripts (the app's previews, `vmdesk ssh --print`). Pure.

/** One token quoted for a POSIX shell when it needs it (for the copyable command line). */
export function shellQuote(token: string): string {
  if (token !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(token)) return token;
  return `'${token.replace(/'/g, `'\\''`)}'`;
}

/** A command line a user can paste into a shell. */
export function commandLine(binary: string, argv: readonly string[]): string {
  return [binary, ...argv].map(shellQuote).join(' ');
}
