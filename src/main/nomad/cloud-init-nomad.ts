// cloud_init across Nomad (issue #13). Nomad's qemu driver cannot build a NoCloud seed, so an exported job
// attaches the ISO vmdesk builds (a `-drive` arg, the ISO shipped as an artifact beside the image) and also
// carries the whole `cloud_init` block, JSON-encoded, in the task's meta under META_CLOUD_INIT. Import restores
// `cloud_init` from that meta value (untrusted: validated with the task's own zod schema) and then drops the seed
// `-drive` arg and the seed artifact export wrote, and only those. `{file}` sources stay references (relative to
// the task file, as written): export is pure and the seed is built on the machine that runs vmdesk. Pure.
import { cloudInitSchema, type CloudInitConfig } from '../../shared/cloud-init';
import { parseWith } from '../../shared/schema-helpers';
import { interpolate } from './interpolate';
import type { NomadArtifact } from './job-model';

/** Task meta key an exported job uses to carry vmdesk's `cloud_init` block (JSON). */
export const META_CLOUD_INIT = 'vmdesk_cloud_init';
/** The file name the exported job gives the seed ISO in the task's `local/` directory. */
export const SEED_LOCAL_NAME = 'seed.iso';
/** The `-drive` value export writes for the seed (a read-only cdrom in the task directory). */
export const SEED_DRIVE_ARG = `file=local/${SEED_LOCAL_NAME},format=raw,if=ide,media=cdrom,readonly=on`;
/** Most characters of the meta value import reads (the block's seed files are at most 256 KiB each). */
export const CLOUD_INIT_META_MAX_CHARS = 2 * 1024 * 1024;

/** The meta value that carries `cloud_init` in an exported job: the normalised block as JSON. */
export function cloudInitMetaValue(ci: CloudInitConfig): string {
  return JSON.stringify(ci);
}

/** The meta value read back: the block as written in the job, or why it is refused (the message names the field). */
export type CloudInitMeta = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Reads the meta value of an imported job. `hcl`: the value came from HCL, where a literal `${` is written `$${`
 * (hcl2json keeps the escape; export writes it for every `${` in the text). Validated with the same schema as a
 * task file's `config.cloud_init`; the task's own validation then runs on the result as for any task.
 */
export function readCloudInitMeta(raw: string, hcl: boolean): CloudInitMeta {
  const where = `meta ${META_CLOUD_INIT}`;
  if (raw.length > CLOUD_INIT_META_MAX_CHARS) return { ok: false, message: `${where}: longer than ${CLOUD_INIT_META_MAX_CHARS} characters; not a cloud_init block vmdesk exported` };
  const text = hcl ? interpolate(raw, () => undefined, { hcl: true }).value : raw;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `${where}: not JSON (${(e as Error).message}); it must be the cloud_init block as vmdesk export writes it, or drop the key` };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, message: `${where}: must be a JSON object (the cloud_init block), not ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}` };
  }
  const parsed = parseWith(cloudInitSchema, json);
  if (!parsed.ok) return { ok: false, message: `${where}: cloud_init.${parsed.message}; fix the value or drop the key` };
  return { ok: true, value: json };
}

/** The args without the seed `-drive` pair export wrote (every other arg kept in order), and whether it was there. */
export function dropSeedDriveArgs(args: readonly string[]): { args: string[]; dropped: boolean } {
  const out: string[] = [];
  let dropped = false;
  for (let i = 0; i < args.length; i++) {
    if (!dropped && args[i] === '-drive' && args[i + 1] === SEED_DRIVE_ARG) {
      dropped = true;
      i++;
      continue;
    }
    out.push(args[i]!);
  }
  return { args: out, dropped };
}

/** Whether an artifact is the seed export wrote: a plain file URL ending in /seed.iso into local/seed.iso. */
export function isExportedSeedArtifact(a: Pick<NomadArtifact, 'source' | 'destination' | 'mode' | 'options'>): boolean {
  const path = a.source.split(/[?#]/)[0] ?? '';
  return a.destination === `local/${SEED_LOCAL_NAME}` && a.mode === 'file' && path.endsWith(`/${SEED_LOCAL_NAME}`) && Object.keys(a.options).length === 0;
}
