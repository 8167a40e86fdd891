// The NoCloud seed's files (user-data, meta-data, network-config) from the task's cloud_init block, the texts
// its {file} sources hold, and the public keys to authorize. Pure: the I/O (reading files, ssh-keygen, the ISO)
// is in seed-build.ts. cloud-init's NoCloud datasource: https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
import { createHash } from 'node:crypto';
import { isMap, isSeq, parseDocument, stringify } from 'yaml';

/** What the seed is made of, every text already read. */
export interface SeedInput {
  vmName: string;
  /** user-data text (absent: vmdesk writes a #cloud-config of its own). */
  userData?: string;
  metaData?: Record<string, string | number | boolean>;
  networkConfig?: string;
  hostname?: string;
  sshUser: string;
  /** Public key lines to authorize for sshUser (the task's, or the generated one). */
  authorizedKeys: string[];
}

/** The seed: file name -> content, its instance-id, and a note when the keys could not go where asked. */
export interface SeedFiles {
  files: Record<string, string>;
  instanceId: string;
  warnings: string[];
}

const CLOUD_CONFIG = /^#cloud-config\s*(\n|$)/;
/** Never fold long lines (a public key stays on one line, as people read and grep it). */
const YAML_OPTS = { lineWidth: 0 } as const;

/** The user entry vmdesk adds for sshUser: passwordless sudo, bash, the keys. */
function userEntry(name: string, keys: string[]): Record<string, unknown> {
  return { name, sudo: 'ALL=(ALL) NOPASSWD:ALL', shell: '/bin/bash', lock_passwd: true, ssh_authorized_keys: keys };
}

/**
 * user-data with the keys for `sshUser` merged in: a #cloud-config that lists the user gets the keys added to
 * its ssh_authorized_keys; one that lists other users gets the user appended; one without `users` gets
 * `[default, user]` (the distro's default user is kept, as cloud-init does when `users` is absent).
 */
export function mergeUserData(userData: string | undefined, sshUser: string, keys: string[]): { text: string; merged: boolean } {
  if (userData === undefined) {
    return { text: `#cloud-config\n${stringify({ users: ['default', userEntry(sshUser, keys)] }, YAML_OPTS)}`, merged: true };
  }
  if (keys.length === 0) return { text: userData, merged: true };
  if (!CLOUD_CONFIG.test(userData)) return { text: userData, merged: false };
  const doc = parseDocument(userData);
  if (!isMap(doc.contents) && doc.contents !== null) return { text: userData, merged: false };
  const users = doc.get('users');
  if (users === undefined || users === null) {
    doc.set('users', doc.createNode(['default', userEntry(sshUser, keys)]));
  } else if (isSeq(users)) {
    const mine = users.items.find((u) => isMap(u) && u.get('name') === sshUser);
    if (isMap(mine)) {
      const existing = mine.get('ssh_authorized_keys');
      const have = isSeq(existing) ? existing.items.map((k) => String((k as { value?: unknown }).value ?? k)) : [];
      mine.set('ssh_authorized_keys', doc.createNode([...have, ...keys.filter((k) => !have.includes(k))]));
    } else {
      users.add(doc.createNode(userEntry(sshUser, keys)));
    }
  } else {
    return { text: userData, merged: false };
  }
  // The document keeps its leading `#cloud-config` comment; put it back only if the writer dropped it.
  const text = doc.toString(YAML_OPTS);
  return { text: CLOUD_CONFIG.test(text) ? text : `#cloud-config\n${text}`, merged: true };
}

/** The instance-id: the VM's name and a hash of everything else in the seed, so it changes when the content does. Pure. */
export function seedInstanceId(vmName: string, files: Record<string, string>): string {
  const h = createHash('sha256');
  for (const name of Object.keys(files).sort()) h.update(`${name}\0${files[name]}\0`);
  return `vmdesk-${vmName}-${h.digest('hex').slice(0, 16)}`;
}

/** Builds the seed's files. Pure. */
export function seedFiles(input: SeedInput): SeedFiles {
  const warnings: string[] = [];
  const user = mergeUserData(input.userData, input.sshUser, input.authorizedKeys);
  const meta: Record<string, unknown> = { ...(input.metaData ?? {}), 'local-hostname': input.hostname ?? input.vmName };
  if (!user.merged) {
    // Not a #cloud-config vmdesk can edit (a script, a MIME archive, or `users` in a form it does not know):
    // NoCloud's meta-data public-keys go to the distro's default user instead.
    meta['public-keys'] = input.authorizedKeys;
    warnings.push(`cloud_init.user_data is not a #cloud-config with a users list vmdesk can extend: the SSH keys go to the image's default user (meta-data public-keys), not "${input.sshUser}"`);
  }
  const content: Record<string, string> = {
    'user-data': user.text,
    'meta-data': stringify(meta, YAML_OPTS),
    ...(input.networkConfig !== undefined ? { 'network-config': input.networkConfig } : {}),
  };
  const instanceId = seedInstanceId(input.vmName, content);
  const files = { ...content, 'meta-data': stringify({ 'instance-id': instanceId, ...meta }, YAML_OPTS) };
  return { files, instanceId, warnings };
}
