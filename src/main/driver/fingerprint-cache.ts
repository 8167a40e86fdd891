// The host fingerprint's QEMU probes (can QEMU enable KVM here, does it accept -sandbox) kept across processes, so
// `vmdesk plan` and `vmdesk start` do not run QEMU twice on every invocation (issue #17). One small JSON file in
// the user's cache directory ($XDG_CACHE_HOME/vmdesk, else ~/.cache/vmdesk: a cache about the host, shared by every
// $VMDESK_HOME, and outside it so that `plan` still writes nothing there). Each entry is keyed by what the probes
// depend on: every emulator binary's real path, size, mtime and inode, /dev/kvm's presence and access, the
// platform and the vmdesk version; any change is a miss and a fresh probe. The file is untrusted on read: parsed
// by a zod schema, and ignored unless it is a regular file owned by this user and writable by no one else (whoever
// can replace it could replace the emulator too). Written atomically (a private temporary file renamed into place).
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** The probe results the cache keeps (the parts of the fingerprint that run QEMU). */
export const cachedProbesSchema = z
  .object({
    kvm: z
      .object({ device: z.boolean(), accessible: z.boolean(), usable: z.boolean(), detail: z.string().max(2000), nested: z.boolean().optional() })
      .strict(),
    sandbox: z.object({ supported: z.boolean(), detail: z.string().max(2000) }).strict(),
  })
  .strict();

/** What a cache entry holds. */
export type CachedProbes = z.infer<typeof cachedProbesSchema>;

/** At most this many entries (one per distinct key: a PATH with other emulators, another vmdesk version). */
export const FINGERPRINT_CACHE_ENTRIES = 8;
/** A larger cache file is not read (it is never this big when vmdesk wrote it). */
const CACHE_FILE_MAX_BYTES = 64 * 1024;

const fileSchema = z
  .object({
    format: z.literal(1),
    entries: z
      .array(z.object({ key: z.string().regex(/^[0-9a-f]{64}$/), savedAt: z.string().max(40), probes: cachedProbesSchema }).strict())
      .max(FINGERPRINT_CACHE_ENTRIES),
  })
  .strict();

/** The identity of one emulator binary, as the key sees it. */
export interface BinaryIdentity {
  binary: string;
  realPath: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Everything the cached probes depend on. */
export interface FingerprintKeyInputs {
  vmdeskVersion: string;
  platform: string;
  emulators: BinaryIdentity[];
  /** The binary the probes ran (absent: no emulator, nothing to probe with). */
  probeBinary?: string;
  kvm: { present: boolean; accessible: boolean };
}

/** The cache key of these inputs: a sha256 over their canonical JSON. Pure. */
export function fingerprintCacheKey(inputs: FingerprintKeyInputs): string {
  const emulators = [...inputs.emulators].sort((a, b) => a.binary.localeCompare(b.binary)).map((e) => [e.binary, e.realPath, e.size, e.mtimeMs, e.ino]);
  const canonical = JSON.stringify([inputs.vmdeskVersion, inputs.platform, inputs.probeBinary ?? null, inputs.kvm.present, inputs.kvm.accessible, emulators]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The cache file: $XDG_CACHE_HOME/vmdesk/host-fingerprint.json, else ~/.cache/vmdesk/host-fingerprint.json. */
export function fingerprintCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'vmdesk', 'host-fingerprint.json');
}

/** Stats each binary (following symlinks to the real file) and /dev/kvm: the key's inputs. I/O. */
export async function fingerprintKeyInputs(binaries: string[], probeBinary: string | undefined, vmdeskVersion: string, platform: NodeJS.Platform): Promise<FingerprintKeyInputs> {
  const emulators = await Promise.all(
    binaries.map(async (binary): Promise<BinaryIdentity> => {
      try {
        const real = await realpath(binary);
        const s = await stat(real);
        return { binary, realPath: real, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
      } catch {
        return { binary, realPath: '', size: -1, mtimeMs: -1, ino: -1 };
      }
    }),
  );
  const present = await stat('/dev/kvm').then((s) => s.isCharacterDevice(), () => false);
  const accessible = present && (await access('/dev/kvm', constants.R_OK | constants.W_OK).then(() => true, () => false));
  return { vmdeskVersion, platform, emulators, ...(probeBinary ? { probeBinary } : {}), kvm: { present, accessible } };
}

/** What reading the cache found. */
export type CacheRead = { hit: true; probes: CachedProbes; savedAt: string } | { hit: false; reason: string };

async function readEntries(file: string): Promise<{ entries: z.infer<typeof fileSchema>['entries'] } | { reason: string }> {
  let s;
  try {
    s = await lstat(file);
  } catch {
    return { reason: 'no cache file yet' };
  }
  if (!s.isFile()) return { reason: `${file} is not a regular file` };
  if (typeof process.getuid === 'function' && s.uid !== process.getuid()) return { reason: `${file} is owned by another user` };
  if ((s.mode & 0o022) !== 0) return { reason: `${file} is writable by others` };
  if (s.size > CACHE_FILE_MAX_BYTES) return { reason: `${file} is too large` };
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return { reason: `${file} is not valid JSON` };
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { reason: `${file}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'not a fingerprint cache'}` };
  }
  return { entries: parsed.data.entries };
}

/** Looks `key` up in the cache file; anything unreadable, foreign or malformed is a miss with the reason. */
export async function readCachedProbes(file: string, key: string): Promise<CacheRead> {
  const r = await readEntries(file);
  if ('reason' in r) return { hit: false, reason: r.reason };
  const entry = r.entries.find((e) => e.key === key);
  return entry ? { hit: true, probes: entry.probes, savedAt: entry.savedAt } : { hit: false, reason: 'the emulators, /dev/kvm or vmdesk changed since the last probe' };
}

/**
 * Saves `probes` under `key` (newest first, at most FINGERPRINT_CACHE_ENTRIES, entries of a bad file dropped):
 * the directory is made private (0700), the file written 0600 beside it and renamed into place. Best effort: a
 * cache that cannot be written only costs the next process a probe, so errors are swallowed.
 */
export async function writeCachedProbes(file: string, key: string, probes: CachedProbes, now: Date = new Date()): Promise<void> {
  const dir = join(file, '..');
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const previous = await readEntries(file);
    const kept = 'entries' in previous ? previous.entries.filter((e) => e.key !== key) : [];
    const entries = [{ key, savedAt: now.toISOString(), probes }, ...kept].slice(0, FINGERPRINT_CACHE_ENTRIES);
    await writeFile(tmp, `${JSON.stringify({ format: 1, entries })}\n`, { mode: 0o600, flag: 'wx' });
    await rename(tmp, file);
  } catch {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}
