// Checksums as go-getter reads them: `algo:hex` (md5, sha1, sha256, sha512) or `file:URL` naming a checksum
// list (`sha256sum` output "HEX  name" / "HEX *name", or BSD "SHA256 (name) = HEX"). Pure parsing, plus the
// streaming digest of a file (the only I/O here).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CHECKSUM_ALGORITHMS, DIGEST_HEX_LENGTH, type ChecksumAlgorithm } from '../../shared/artifact';

/** A digest to compare against. */
export interface Digest {
  algorithm: ChecksumAlgorithm;
  hex: string;
}

/** A parsed checksum option. */
export type ChecksumSpec = { kind: 'digest'; digest: Digest } | { kind: 'file'; url: string };

/** Parses `algo:hex` / `file:URL` (already validated by the task schema). */
export function parseChecksum(spec: string): ChecksumSpec {
  const i = spec.indexOf(':');
  const algo = spec.slice(0, i).toLowerCase();
  const value = spec.slice(i + 1).trim();
  if (algo === 'file') return { kind: 'file', url: value };
  return { kind: 'digest', digest: { algorithm: algo as ChecksumAlgorithm, hex: value.toLowerCase() } };
}

/** The algorithm a bare hex digest's length implies (go-getter's guess for checksum files). */
export function algorithmForLength(hexLength: number): ChecksumAlgorithm | undefined {
  return CHECKSUM_ALGORITHMS.find((a) => DIGEST_HEX_LENGTH[a] === hexLength);
}

/**
 * Finds the digest of `fileName` in a checksum list. Lines: "HEX  name", "HEX *name" (binary mode),
 * "ALGO (name) = HEX" (BSD / `--tag`). A path in the list matches by its last component, as go-getter does.
 */
export function digestFromList(text: string, fileName: string): Digest | undefined {
  const base = (p: string) => p.replace(/^\.\//, '').split('/').pop() ?? p;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const bsd = /^([A-Za-z0-9]+)\s*\((.+)\)\s*=\s*([0-9a-fA-F]+)$/.exec(line);
    if (bsd) {
      const algo = bsd[1]!.toLowerCase().replace(/-/g, '') as ChecksumAlgorithm;
      if (base(bsd[2]!) === fileName && (CHECKSUM_ALGORITHMS as readonly string[]).includes(algo) && DIGEST_HEX_LENGTH[algo] === bsd[3]!.length) {
        return { algorithm: algo, hex: bsd[3]!.toLowerCase() };
      }
      continue;
    }
    const gnu = /^([0-9a-fA-F]+)\s+\*?(.+)$/.exec(line);
    if (gnu && base(gnu[2]!.trim()) === fileName) {
      const algorithm = algorithmForLength(gnu[1]!.length);
      if (algorithm) return { algorithm, hex: gnu[1]!.toLowerCase() };
    }
  }
  return undefined;
}

/** The cache key of a digest: `sha256-<hex>`. */
export function digestId(d: Digest): string {
  return `${d.algorithm}-${d.hex}`;
}

/** `sha256:<hex>`, as a checksum option writes it. */
export function formatDigest(d: Digest): string {
  return `${d.algorithm}:${d.hex}`;
}

/** Streams a file through a hash; `onBytes` sees the running count (progress of a verify). */
export async function hashFile(path: string, algorithm: ChecksumAlgorithm, onBytes?: (n: number) => void, signal?: AbortSignal): Promise<string> {
  const hash = createHash(algorithm);
  let n = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    n += (chunk as Buffer).length;
    onBytes?.(n);
  }
  return hash.digest('hex');
}
