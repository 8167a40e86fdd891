// The task option `artifacts`: Nomad's artifact block (go-getter), its schema and the pure rules that read it.
// Shape: { source, destination?, mode?, options?: { checksum?, archive? }, headers? }, as in a Nomad job.
import { z } from 'zod';
import { strictObject } from './schema-helpers';

/** Digest algorithms a checksum may name (go-getter's set). */
export const CHECKSUM_ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512'] as const;
/** One of the digest algorithms. */
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
/** Hex digest length per algorithm. */
export const DIGEST_HEX_LENGTH: Record<ChecksumAlgorithm, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/** How the artifact lands: `any` (a directory, archives unpacked into it), `file` (destination is the file), `dir`. */
export type ArtifactMode = 'any' | 'file' | 'dir';

/** A validated artifact with defaults filled in. */
export interface Artifact {
  source: string;
  /** Relative to the task directory; never leaves it. Default `local/` (Nomad's). */
  destination: string;
  mode: ArtifactMode;
  /** `algo:hex` or `file:URL`; undefined = none. */
  checksum?: string;
  /** false: never unpack, whatever the extension. */
  archive: boolean;
  headers: Record<string, string>;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
const SOURCE_PROTOCOL = /^([a-z][a-z0-9+.-]*)::/i;

/** Problem with an artifact source string, or undefined when vmdesk can fetch it (https, http, file://, a path). */
export function sourceProblem(source: string): string | undefined {
  if (source.trim() === '') return 'source must be set';
  if (/[\0\r\n]/.test(source)) return 'source must not contain control characters';
  const forced = SOURCE_PROTOCOL.exec(source);
  if (forced) return `source: the "${forced[1]}::" getter is not supported here; use an https://, http:// or file:// URL or a path`;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(source)?.[1]?.toLowerCase();
  if (scheme === undefined) return undefined;
  if (scheme === 'http' || scheme === 'https') {
    try {
      new URL(source);
      return undefined;
    } catch {
      return `source: ${JSON.stringify(source)} is not a valid URL`;
    }
  }
  if (scheme === 'file') return source.startsWith('file://') ? undefined : 'source: a file URL is file:///absolute/path';
  return `source: the "${scheme}:" scheme is not supported here; use an https://, http:// or file:// URL or a path (s3, gcs, git and hg sources must be fetched by hand)`;
}

/** Problem with a checksum option, or undefined. `algo:hex` (md5, sha1, sha256, sha512) or `file:URL`. */
export function checksumProblem(checksum: string): string | undefined {
  const m = /^([a-z0-9]+):(.+)$/i.exec(checksum.trim());
  if (!m) return 'options.checksum: write it as TYPE:VALUE, such as sha256:<64 hex digits> or file:https://host/SHA256SUMS';
  const algo = m[1]!.toLowerCase();
  if (algo === 'file') return sourceProblem(m[2]!) ? `options.checksum: ${sourceProblem(m[2]!)!.replace(/^source: /, '')}` : undefined;
  if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(algo)) {
    return `options.checksum: "${algo}" is not a supported checksum type (use ${CHECKSUM_ALGORITHMS.join(', ')} or file)`;
  }
  const want = DIGEST_HEX_LENGTH[algo as ChecksumAlgorithm];
  if (!new RegExp(`^[0-9a-fA-F]{${want}}$`).test(m[2]!)) return `options.checksum: a ${algo} digest is ${want} hex digits`;
  return undefined;
}

/** Problem with a destination (must stay inside the task directory), or undefined. */
export function destinationProblem(destination: string): string | undefined {
  if (/[\0\r\n]/.test(destination)) return 'destination must not contain control characters';
  if (destination.startsWith('/') || /^[A-Za-z]:[\\/]/.test(destination)) {
    return `destination ${JSON.stringify(destination)} must be relative to the task directory (such as "local/")`;
  }
  const parts = destination.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  let depth = 0;
  for (const p of parts) {
    depth += p === '..' ? -1 : 1;
    if (depth < 0) return `destination ${JSON.stringify(destination)} leaves the task directory; keep it inside (such as "local/")`;
  }
  return undefined;
}

const artifactInput = strictObject({
  source: z.string().max(8192),
  destination: z.string().max(4096).optional(),
  mode: z.enum(['any', 'file', 'dir'], { error: 'mode must be "any", "file" or "dir"' }).optional(),
  options: strictObject({
    checksum: z.string().max(8192).optional(),
    archive: z.union([z.boolean(), z.literal('false'), z.literal('true')]).optional(),
  }).optional(),
  headers: z.record(z.string(), z.string().max(8192)).optional(),
});

/** Schema of one artifact entry in a task file; refinements give the Nomad-style messages above. */
export const artifactSchema = artifactInput.superRefine((a, ctx) => {
  const issue = (path: Array<string>, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const s = sourceProblem(a.source);
  if (s) issue(['source'], s);
  if (a.destination !== undefined) {
    const d = destinationProblem(a.destination);
    if (d) issue(['destination'], d);
    if (a.mode === 'file' && a.destination.replace(/[\\/]+$/, '').split(/[\\/]/).pop()?.replace(/^\.+$/, '') === '') {
      issue(['destination'], 'with mode "file" the destination is the file path (such as "local/disk.qcow2")');
    }
  }
  if (a.options?.checksum !== undefined) {
    const c = checksumProblem(a.options.checksum);
    if (c) issue(['options', 'checksum'], c);
  }
  for (const [k, v] of Object.entries(a.headers ?? {})) {
    if (!HEADER_NAME.test(k)) issue(['headers', k], `headers: ${JSON.stringify(k)} is not an HTTP header name`);
    if (/[\0\r\n]/.test(v)) issue(['headers', k], `headers.${k}: a header value must not contain line breaks`);
  }
});

/** An artifact as written in a task file. */
export type ArtifactFile = z.input<typeof artifactSchema>;

/** Fills the defaults of a schema-parsed artifact (Nomad's: destination `local/`, mode `any`). */
export function normaliseArtifact(a: z.output<typeof artifactSchema>): Artifact {
  return {
    source: a.source.trim(),
    destination: a.destination ?? 'local/',
    mode: a.mode ?? 'any',
    ...(a.options?.checksum !== undefined ? { checksum: a.options.checksum.trim() } : {}),
    archive: a.options?.archive !== false && a.options?.archive !== 'false',
    headers: { ...(a.headers ?? {}) },
  };
}

/** The task-file form of an artifact (what taskToFile and export write back). */
export function artifactToFile(a: Artifact): ArtifactFile {
  const options = { ...(a.checksum ? { checksum: a.checksum } : {}), ...(a.archive ? {} : { archive: false }) };
  return {
    source: a.source,
    destination: a.destination,
    ...(a.mode !== 'any' ? { mode: a.mode } : {}),
    ...(Object.keys(options).length ? { options } : {}),
    ...(Object.keys(a.headers).length ? { headers: { ...a.headers } } : {}),
  };
}

/** Plan warnings about artifacts: plain-http sources and downloads without a checksum. Pure. */
export function artifactWarnings(artifacts: Artifact[]): string[] {
  const out: string[] = [];
  artifacts.forEach((a, i) => {
    const remote = /^https?:/i.test(a.source);
    if (remote && !a.checksum) {
      out.push(`artifacts[${i}]: ${a.source} has no options.checksum: the download cannot be verified (add checksum = "sha256:...")`);
    }
    if (/^http:/i.test(a.source) && a.checksum?.startsWith('file:') && /^file:http:/i.test(a.checksum)) {
      out.push(`artifacts[${i}]: both the image and its checksum file come over plain http; anyone on the path can change both`);
    }
  });
  return out;
}
