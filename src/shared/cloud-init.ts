// The `cloud_init` task option (vmdesk's own, beside Nomad's; issue #13): a NoCloud seed vmdesk builds per run
// and attaches as a read-only cdrom (src/main/cloudinit/). Schema (untrusted input), defaults, and the YAML check
// that refuses a broken user-data before the start, with its line.
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { strictObject } from './schema-helpers';

/** The user vmdesk's generated key logs in as when the task does not say. */
export const DEFAULT_SSH_USER = 'vmdesk';
/** The port_map label `vmdesk ssh` connects to when the task does not say. */
export const DEFAULT_SSH_LABEL = 'ssh';
/** Most bytes of one seed file (user-data, network-config), inline or from a file. */
export const SEED_FILE_MAX_BYTES = 256 * 1024;

/** A seed file as the task gives it: the text itself, or a file (relative to the task file; same places as images). */
export type SeedSource = string | { file: string };

/** The cloud_init option after normalisation (defaults filled in). */
export interface CloudInitConfig {
  user_data?: SeedSource;
  /** Extra meta-data keys (instance-id and local-hostname are vmdesk's). */
  meta_data?: Record<string, string | number | boolean>;
  network_config?: SeedSource;
  /** Keys to authorize for ssh_user; absent: vmdesk generates a per-VM key pair. */
  ssh_authorized_keys?: string[];
  hostname?: string;
  ssh_user: string;
  /** The port_map label of the guest's SSH port. */
  ssh_port: string;
}

const seedText = z
  .string()
  .max(SEED_FILE_MAX_BYTES, { error: `must be at most ${SEED_FILE_MAX_BYTES} bytes` })
  .refine((s) => !s.includes('\0'), { error: 'must not contain a NUL byte' });
const seedFile = strictObject({
  file: z
    .string()
    .max(4096)
    .refine((s) => s.trim() !== '' && !s.includes('\0'), { error: 'file must be a path (relative to the task file)' }),
});
const seedSource = z.union([seedText, seedFile], { error: 'must be a string (the file\'s text) or {"file": "path"}' });

/** The `config.cloud_init` block as written. */
export const cloudInitSchema = strictObject({
  user_data: seedSource.optional(),
  meta_data: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'meta_data keys are letters, digits, "-", "_"' }), z.union([z.string().max(4096), z.number(), z.boolean()])).optional(),
  network_config: seedSource.optional(),
  ssh_authorized_keys: z
    .array(z.string().regex(/^(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+( [^\n\r]*)?$/, { error: 'each ssh_authorized_keys entry is one public key line ("ssh-ed25519 AAAA... comment")' }))
    .max(32)
    .optional(),
  hostname: z
    .string()
    .regex(/^(?=.{1,63}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/, { error: 'hostname: 1-63 letters, digits and "-" (not first or last)' })
    .optional(),
  ssh_user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: 'ssh_user: a Linux user name (lower-case letters, digits, "_", "-")' }).optional(),
  ssh_port: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'ssh_port is a port_map label such as "ssh"' }).optional(),
});

type Parsed = z.output<typeof cloudInitSchema>;

/** Where a YAML text is broken: the first error with its 1-based line, or undefined when it parses. Pure. */
export function yamlProblem(text: string): { line: number; message: string } | undefined {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (!err) return undefined;
  const line = err.linePos?.[0].line ?? lineOf(text, err.pos[0]);
  return { line, message: err.message.split('\n')[0]! };
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** The YAML check for one seed file: a message naming the field and the line, or undefined. `where` names a file. Pure. */
export function seedYamlProblem(field: string, text: string, where?: string): string | undefined {
  // A user-data that is a script (#!) or another cloud-init format is not YAML; only #cloud-config and
  // network-config are.
  if (field === 'user_data' && !/^#cloud-config\s*(\n|$)/.test(text)) return undefined;
  const p = yamlProblem(text);
  return p ? `cloud_init.${field}${where ? ` (${where})` : ''}: broken YAML at line ${p.line}: ${p.message}; fix the YAML (cloud-init would ignore the whole file)` : undefined;
}

/** Normalises a parsed block (defaults) and checks inline YAML; returns the config or a field error. Pure. */
export function normaliseCloudInit(c: Parsed): { ok: true; value: CloudInitConfig } | { ok: false; field: string; message: string } {
  for (const key of ['user_data', 'network_config'] as const) {
    const v = c[key];
    if (typeof v === 'string') {
      const problem = seedYamlProblem(key, v);
      if (problem) return { ok: false, field: `config.cloud_init.${key}`, message: problem };
    }
  }
  // vmdesk owns these two: instance-id follows the seed content, local-hostname is `hostname`.
  if (c.meta_data && 'instance-id' in c.meta_data) {
    return { ok: false, field: 'config.cloud_init.meta_data.instance-id', message: 'cloud_init.meta_data: vmdesk sets instance-id itself (a hash of the seed content, so cloud-init sees a new instance when it changes); drop it' };
  }
  if (c.meta_data && 'local-hostname' in c.meta_data) {
    return { ok: false, field: 'config.cloud_init.meta_data.local-hostname', message: 'cloud_init.meta_data: set the host name with cloud_init.hostname, not meta_data local-hostname' };
  }
  return {
    ok: true,
    value: {
      ...(c.user_data !== undefined ? { user_data: c.user_data } : {}),
      ...(c.meta_data !== undefined ? { meta_data: c.meta_data } : {}),
      ...(c.network_config !== undefined ? { network_config: c.network_config } : {}),
      ...(c.ssh_authorized_keys !== undefined ? { ssh_authorized_keys: c.ssh_authorized_keys } : {}),
      ...(c.hostname !== undefined ? { hostname: c.hostname } : {}),
      ssh_user: c.ssh_user ?? DEFAULT_SSH_USER,
      ssh_port: c.ssh_port ?? DEFAULT_SSH_LABEL,
    },
  };
}
