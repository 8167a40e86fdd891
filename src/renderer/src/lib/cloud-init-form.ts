// The form's view of config.cloud_init: the fields its section edits (hostname, inline user-data, SSH keys),
// read from and written into the block as loaded, so that what the section does not edit (meta_data,
// network_config, ssh_user, ssh_port, a user-data file) is kept as written. Pure.

/** What the Cloud-init section shows. */
export interface CloudInitFields {
  hostname: string;
  /** Inline user-data; empty when there is none. */
  userData: string;
  /** The file user-data comes from (`{ "file": ... }`): the section then shows it and does not edit it. */
  userDataFile?: string;
  /** One public key per line. */
  sshKeys: string;
}

type Block = Record<string, unknown>;

const asBlock = (ci: unknown): Block => (ci && typeof ci === 'object' && !Array.isArray(ci) ? (ci as Block) : {});

/** The section's fields of a loaded (or new) cloud_init block. */
export function cloudInitFields(ci: unknown): CloudInitFields {
  const b = asBlock(ci);
  const ud = b.user_data;
  const file = ud && typeof ud === 'object' && typeof (ud as { file?: unknown }).file === 'string' ? (ud as { file: string }).file : undefined;
  const keys = Array.isArray(b.ssh_authorized_keys) ? b.ssh_authorized_keys.filter((k): k is string => typeof k === 'string') : [];
  return {
    hostname: typeof b.hostname === 'string' ? b.hostname : '',
    userData: typeof ud === 'string' ? ud : '',
    ...(file !== undefined ? { userDataFile: file } : {}),
    sshKeys: keys.join('\n'),
  };
}

/** The block with the section's edits applied: an empty field removes its key; the rest is kept. */
export function patchCloudInit(ci: unknown, patch: Partial<Omit<CloudInitFields, 'userDataFile'>>): Block {
  const b: Block = { ...asBlock(ci) };
  const put = (key: string, value: unknown, empty: boolean) => {
    if (empty) delete b[key];
    else b[key] = value;
  };
  if (patch.hostname !== undefined) put('hostname', patch.hostname.trim(), patch.hostname.trim() === '');
  if (patch.userData !== undefined) put('user_data', patch.userData, patch.userData.trim() === '');
  if (patch.sshKeys !== undefined) {
    const keys = patch.sshKeys.split('\n').map((k) => k.trim()).filter((k) => k !== '');
    put('ssh_authorized_keys', keys, keys.length === 0);
  }
  return b;
}

/** A starting user-data for a new block: valid #cloud-config that does nothing yet. */
export const USER_DATA_TEMPLATE = '#cloud-config\n# packages, runcmd, write_files, users: see cloud-init\'s docs\nruncmd: []\n';
