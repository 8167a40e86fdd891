// Firmware, extra drives and the boot device across Nomad (issue #13). Nomad's qemu driver has no options for
// them, so an exported job carries them as QEMU args (which an operator with an args_allowlist must allow), the
// extra images as artifacts where their URL can be known, and notes; import turns those args (and the
// `-drive`/`-bios`/pflash args people write by hand) back into task options. swtpm is not supported by Nomad's
// qemu driver: export says so. Pure.
import type { HardwareConfig, TaskDrive } from '../../shared/hardware';
import type { Task } from '../../shared/task';
import { SEED_DRIVE_ARG, SEED_LOCAL_NAME } from './cloud-init-nomad';

/** Where Debian's ovmf puts the firmware a Nomad client needs (the exported args name them). */
export const NOMAD_OVMF = {
  code: '/usr/share/OVMF/OVMF_CODE_4M.fd',
  vars: 'OVMF_VARS_4M.fd',
  codeSecure: '/usr/share/OVMF/OVMF_CODE_4M.ms.fd',
  varsSecure: 'OVMF_VARS_4M.ms.fd',
} as const;

const SECURE_GLOBAL = 'driver=cfi.pflash01,property=secure,value=on';

/** An artifact the exported job needs. */
export interface HardwareArtifact {
  source: string;
  destination: string;
  mode: 'file';
}

/** What export adds for the hardware options. */
export interface HardwareExport {
  args: string[];
  artifacts: HardwareArtifact[];
  notes: string[];
}

function basename(p: string): string {
  return p.split('/').filter(Boolean).pop() ?? p;
}

/** The URL beside `imageUrl` for a file called `name` (same server, same directory), when there is an image URL. */
function siblingUrl(imageUrl: string | undefined, name: string): string | undefined {
  if (!imageUrl) return undefined;
  const clean = imageUrl.split(/[?#]/)[0] ?? imageUrl;
  const slash = clean.lastIndexOf('/');
  return slash < 0 ? undefined : `${clean.slice(0, slash + 1)}${encodeURIComponent(name)}`;
}

function driveFormat(d: TaskDrive): string {
  return d.format ?? (d.media === 'cdrom' ? 'raw' : /\.qcow2$/i.test(d.path) ? 'qcow2' : 'raw');
}

/** The args, artifacts and notes for a task's firmware, TPM, drives and boot device. */
export function exportHardware(task: Task, imageUrl?: string): HardwareExport {
  const c = task.config;
  const out: HardwareExport = { args: [], artifacts: [], notes: [] };
  const needs = new Set<string>();
  const ship = (localName: string, what: string) => {
    const source = siblingUrl(imageUrl, localName);
    if (source) {
      out.artifacts.push({ source, destination: `local/${localName}`, mode: 'file' });
      out.notes.push(`${what} must be served at ${source} (beside the image), Nomad downloads it into local/${localName}`);
    } else {
      out.notes.push(`${what} must reach the task directory as local/${localName}: serve it and add an artifact { source = "<its URL>", destination = "local/${localName}", mode = "file" } (give the image's URL and vmdesk writes one beside it)`);
    }
  };
  if (c.firmware === 'uefi') {
    const secure = c.secure_boot === true;
    const code = secure ? NOMAD_OVMF.codeSecure : NOMAD_OVMF.code;
    const vars = secure ? NOMAD_OVMF.varsSecure : NOMAD_OVMF.vars;
    out.args.push('-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${code}`, '-drive', `if=pflash,format=raw,unit=1,file=local/${vars}`);
    needs.add('-drive');
    if (secure) {
      out.args.push('-machine', 'smm=on', '-global', SECURE_GLOBAL);
      needs.add('-machine').add('-global');
    }
    out.notes.push(`firmware "uefi": ${code} must exist on the Nomad client (Debian/Ubuntu package ovmf)`);
    ship(vars, `a copy of the UEFI variable store ${vars} (the VM's own, writable)`);
  }
  for (const [i, d] of (c.drives ?? []).entries()) {
    const name = basename(d.path);
    const iface = d.interface ?? (c.drive_interface === 'scsi' ? 'scsi' : c.drive_interface === 'virtio' && d.media === 'disk' ? 'virtio' : 'ide');
    const readOnly = d.media === 'cdrom' || d.read_only === true;
    out.args.push('-drive', `file=local/${name},format=${driveFormat(d)},if=${iface},media=${d.media}${readOnly ? ',readonly=on' : ''}`);
    needs.add('-drive');
    ship(name, `drives[${i}] (${d.path})`);
  }
  if (c.cloud_init) {
    // Nomad's qemu driver cannot build a NoCloud seed: the job attaches the ISO vmdesk builds at start (and
    // carries the block itself in meta for a round trip: cloud-init-nomad.ts).
    out.args.push('-drive', SEED_DRIVE_ARG);
    needs.add('-drive');
    ship(SEED_LOCAL_NAME, 'the cloud-init seed ISO (vmdesk writes it at each start to <VM dir>/cloud-init/seed.iso; start the VM here once to make it)');
    if (!c.cloud_init.ssh_authorized_keys) out.notes.push("cloud_init: the seed authorizes this machine's generated key for the VM (<VM dir>/ssh/id_ed25519); set ssh_authorized_keys to log in from elsewhere");
  }
  if (c.boot === 'cdrom') {
    out.args.push('-boot', 'order=d');
    needs.add('-boot');
  }
  if (c.tpm) out.notes.push("tpm: Nomad's qemu driver cannot start swtpm, so the exported job has no TPM (run swtpm beside it yourself, or drop tpm)");
  if (needs.size > 0) out.notes.push(`with an args_allowlist on the Nomad client, the operator must allow: ${[...needs].join(' ')}`);
  return out;
}

/** What import recognised in a task's args. */
export interface HardwareImport {
  /** The args left (everything not turned into a task option). */
  args: string[];
  config: HardwareConfig;
  /** What was mapped, and what could not be (said plainly). */
  notes: Array<{ severity: 'info' | 'warning'; message: string }>;
}

/** `k=v,k=v` of a QEMU option (`,,` is a literal comma), or undefined when it does not parse as that. */
function parseOpts(text: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const part of text.replace(/,,/g, '\u0000').split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    out.set(part.slice(0, eq), part.slice(eq + 1).replace(/\u0000/g, ','));
  }
  return out;
}

const DRIVE_KEYS = new Set(['file', 'format', 'if', 'media', 'readonly', 'read-only']);

/** Turns the firmware, drive and boot args vmdesk knows into task options; leaves and reports the rest. */
export function importHardware(args: readonly string[]): HardwareImport {
  const rest: string[] = [];
  const config: HardwareConfig = {};
  const notes: HardwareImport['notes'] = [];
  const drives: TaskDrive[] = [];
  let secureGlobal = false;
  let smm = false;
  let secureCode = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = args[i + 1];
    if (a === '-drive' && v !== undefined) {
      const o = parseOpts(v);
      if (o?.get('if') === 'pflash' && [...o.keys()].every((k) => DRIVE_KEYS.has(k) || k === 'unit')) {
        config.firmware = 'uefi';
        if (o.get('unit') !== '1' && /secboot|\.ms\.|snakeoil/.test(o.get('file') ?? '')) secureCode = true;
        i++;
        continue;
      }
      const file = o?.get('file');
      // Only files in the task's directory (the exported form, local/NAME): an absolute or ".." path stays in
      // args, where the args policy (args_allowlist, host paths) judges it as before.
      const inTaskDir = file !== undefined && !file.startsWith('/') && !file.split('/').includes('..') && !/^[^:/]+:/.test(file);
      if (o && file && inTaskDir && [...o.keys()].every((k) => DRIVE_KEYS.has(k))) {
        const media = o.get('media') === 'cdrom' ? 'cdrom' : 'disk';
        const iface = o.get('if');
        const ro = o.get('readonly') ?? o.get('read-only');
        drives.push({
          path: file,
          media,
          ...(iface === 'ide' || iface === 'virtio' || iface === 'scsi' ? { interface: iface } : {}),
          ...(o.get('format') ? { format: o.get('format')! } : {}),
          ...(media === 'disk' && (ro === 'on' || ro === 'true') ? { read_only: true } : {}),
        });
        if (iface !== undefined && iface !== 'ide' && iface !== 'virtio' && iface !== 'scsi') {
          notes.push({ severity: 'warning', message: `-drive ${v}: interface "${iface}" is not one vmdesk attaches extra drives on; it uses the default (ide)` });
        }
        i++;
        continue;
      }
      notes.push({ severity: 'warning', message: `-drive ${v}: vmdesk cannot turn this into a drive (only a file in the task directory with file=, format=, if=, media=, readonly= is mapped); it stays in args, checked by the args policy` });
    } else if (a === '-bios' && v !== undefined && /OVMF/i.test(v)) {
      config.firmware = 'uefi';
      notes.push({ severity: 'info', message: `-bios ${v}: mapped to firmware "uefi" (vmdesk finds OVMF through QEMU's firmware descriptors and keeps a variable store per VM)` });
      i++;
      continue;
    } else if (a === '-machine' && v === 'smm=on') {
      smm = true;
      i++;
      continue;
    } else if (a === '-global' && v === SECURE_GLOBAL) {
      secureGlobal = true;
      i++;
      continue;
    } else if (a === '-boot' && (v === 'order=d' || v === 'd')) {
      config.boot = 'cdrom';
      i++;
      continue;
    }
    rest.push(a);
  }
  if (config.firmware === 'uefi' && (secureGlobal || secureCode)) config.secure_boot = true;
  if ((smm || secureGlobal) && config.firmware !== 'uefi') {
    // Not ours to interpret without the firmware: give them back.
    if (smm) rest.push('-machine', 'smm=on');
    if (secureGlobal) rest.push('-global', SECURE_GLOBAL);
  }
  if (config.firmware === 'uefi') notes.push({ severity: 'info', message: `pflash firmware args mapped to firmware "uefi"${config.secure_boot ? ' with secure_boot' : ''}` });
  if (drives.length > 0) {
    config.drives = drives;
    notes.push({ severity: 'info', message: `${drives.length} -drive arg(s) mapped to drives (${drives.map((d) => d.path).join(', ')}); each path goes through the image policy like image_path` });
  }
  if (config.boot === 'cdrom' && !drives.some((d) => d.media === 'cdrom')) {
    delete config.boot;
    rest.push('-boot', 'order=d');
  }
  return { args: rest, config, notes };
}
