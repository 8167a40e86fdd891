// `vmdesk cache ls | rm ID|URL | prune [--older-than 30d]`: the artifact cache in $VMDESK_HOME/cache.
import { cacheDir, cacheSize, entryInUse, listEntries, prune, removeEntries } from '../../main/artifacts/cache';
import { vmdeskHome } from '../../main/store/paths';
import { VmdeskError } from '../../shared/errors';
import { UsageError, type Command } from '../command';
import { commandInfo } from './info';
import { formatBytes, formatTable } from '../format';
import { parseCli, printJson, reporting } from '../args';

/** "30d", "12h", "90m", "0" -> milliseconds, or undefined. Pure. */
export function parseAge(text: string): number | undefined {
  const m = /^(\d+)(d|h|m|s)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[(m[2] ?? 'd') as 'd'];
  return Number(m[1]) * unit;
}

/** The `cache` command. */
export const cacheCommand: Command = {
  ...commandInfo('cache'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, { json: { type: 'boolean' }, 'older-than': { type: 'string' } });
    const json = values.json === true;
    const [sub, ...rest] = positionals;
    const home = vmdeskHome();
    if (sub === 'ls') {
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
      return reporting(io, 'cache', json, async () => {
        const entries = listEntries(home).map((e) => ({ ...e, inUse: entryInUse(e) }));
        const size = cacheSize(home);
        if (json) {
          printJson(io, { dir: cacheDir(home), sizeBytes: size, entries: entries.map(({ users: _u, ...e }) => e) });
        } else {
          io.out(formatTable(['ID', 'SIZE', 'LAST USED', 'IN USE', 'SOURCE'], entries.map((e) => [e.id.slice(0, 19), formatBytes(e.size), e.lastUsedAt.slice(0, 16).replace('T', ' '), e.inUse ? 'yes' : 'no', e.source])));
          io.out(`total ${formatBytes(size)} in ${cacheDir(home)}\n`);
        }
        return 0;
      });
    }
    if (sub === 'rm') {
      if (rest.length !== 1) throw new UsageError('give one cache entry ID (from `vmdesk cache ls`) or its source URL');
      return reporting(io, 'cache', json, async () => {
        const removed = removeEntries(home, rest[0]!);
        if (removed.length === 0) throw new VmdeskError('BAD_REQUEST', `no cache entry ${rest[0]}; \`vmdesk cache ls\` lists them`);
        if (json) printJson(io, { removed });
        else io.out(removed.map((id) => `removed ${id}\n`).join(''));
        return 0;
      });
    }
    if (sub === 'prune') {
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
      const age = parseAge(values['older-than'] ?? '0');
      if (age === undefined) throw new UsageError(`--older-than: "${values['older-than']}" is not an age such as 30d, 12h or 90m`);
      return reporting(io, 'cache', json, async () => {
        const r = prune(home, age);
        const freed = r.removed.reduce((n, e) => n + e.size, 0);
        if (json) printJson(io, { removed: r.removed.map((e) => e.id), freedBytes: freed, partials: r.partials });
        else io.out(`${r.removed.map((e) => `removed ${e.id} (${e.source})\n`).join('')}freed ${formatBytes(freed)}${r.partials ? `, ${r.partials} partial download(s)` : ''}\n`);
        return 0;
      });
    }
    throw new UsageError(sub === undefined ? 'give a subcommand: ls, rm or prune' : `unknown subcommand "${sub}" (ls, rm or prune)`);
  },
};
