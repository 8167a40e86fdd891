// What the values of the task's `args` reach on the host: files and directories (`-kernel /x`,
// `-chardev file,path=/x`, `-netdev user,smb=/x`, `-trace events=./x`), disk images (`-drive file=x.qcow2`,
// `-blockdev {...}`, `-cdrom x.iso`) and host commands (`guestfwd=...-cmd:`, `exec:` backends, tap
// `script=`/`downscript=`, bridge `helper=`). Values are read as QEMU reads them (qemu-opts-parse.ts for
// "k=v,,v" syntax, qemu-json.ts for QEMU's JSON dialect) and keys are classified by QEMU's option tables
// (qemu-option-keys.ts): a key not known to be harmless is a path. A value vmdesk cannot read is itself a
// finding ("unparsable"): with an args_allowlist it is refused, never taken to mean "no paths". Pure: the I/O
// layer (args-files.ts) re-checks existing paths with symlinks resolved and inspects images.
import { isAbsolute, posix } from 'node:path';
import type { ArgToken } from './args-policy';
import { ALLOWED_IMAGE_FORMATS } from './image-formats';
import { isAllowedImagePathLexically } from './image-policy';
import { QemuJsonError, parseQemuJson, type QemuJson } from './qemu-json';
import { isCommandKey, isPlainKey, optionKeys } from './qemu-option-keys';
import { parseQemuOpts, type OptItem } from './qemu-opts-parse';

/** One host resource named by an argument value. */
export interface HostReach {
  index: number;
  option: string;
  /** path: a host file or directory; image: a disk image QEMU opens; command: a host program; unparsable/refused: see `problem`. */
  kind: 'path' | 'image' | 'command' | 'unparsable' | 'refused';
  /** The path (as written), the command text, or the value that could not be read. */
  value: string;
  /** The key it was found under (`file`, `file.filename`, `events` ...), when there is one. */
  key?: string;
  /** For images: the format QEMU is told to use (undefined: QEMU would probe it). */
  format?: string;
  /** For unparsable/refused: why. */
  problem?: string;
}

/** Block drivers a task may name in args: the allowed image formats, the file protocol, two filters. */
const BLOCK_DRIVERS: ReadonlySet<string> = new Set([...ALLOWED_IMAGE_FORMATS, 'file', 'throttle', 'copy-on-read', 'null-co']);
/** -device models that hand the guest a host device or a host fd: refused with an allowlist. */
const HOST_DEVICE_MODELS = /^(usb-host|vfio-.*|virtio-input-host.*|u2f-passthru|vhost-.*|pci-assign|kvm-pci-assign|xen-pci-passthrough|ccid-card-passthru)$/;
/** Character device backends QEMU's legacy spec accepts (chardev/char.c qemu_chr_parse_compat), and -incoming's. */
const SIMPLE_BACKENDS = new Set(['null', 'vc', 'msmouse', 'wctablet', 'braille', 'testdev', 'stdio', 'pty', 'none', 'defer']);

/** Host paths, images, commands and unreadable values that the option values in `tokens` reach. */
export function argsHostReach(tokens: readonly ArgToken[]): HostReach[] {
  const out: HostReach[] = [];
  for (const t of tokens) {
    if (t.kind === 'value') out.push(...optionReach(t.option!, t.token, t.index));
  }
  return out;
}

/** What one option's argument reaches (also used for the groups of a -readconfig file). */
export function optionReach(option: string, value: string, index: number): HostReach[] {
  const out: HostReach[] = [];
  const add = (r: Omit<HostReach, 'index' | 'option'>) => out.push({ index, option, ...r });
  const spec = optionKeys(option) ?? { syntax: 'opts', implied: '' };
  const v = value.trim();
  switch (spec.syntax) {
    case 'plain':
      break;
    case 'path':
      add({ kind: 'path', value });
      break;
    case 'image':
      add({ kind: 'image', value });
      break;
    case 'chardev-spec':
      chardevSpecReach(option, value, add);
      break;
    case 'json-or-opts':
    case 'opts':
      if (spec.syntax === 'json-or-opts' && v.startsWith('{')) {
        let json: QemuJson;
        try {
          json = parseQemuJson(v);
        } catch (err) {
          add({ kind: 'unparsable', value, problem: `not valid QEMU JSON (${err instanceof QemuJsonError ? err.message : String(err)})` });
          break;
        }
        if (!json || typeof json !== 'object' || Array.isArray(json)) add({ kind: 'unparsable', value, problem: 'a JSON option value must be an object' });
        else treeReach(option, json, add);
      } else itemsReach(option, parseQemuOpts(value, spec.implied), add);
      break;
  }
  return out;
}

type Add = (r: Omit<HostReach, 'index' | 'option'>) => void;

/** The items of a QemuOpts value: block options as a tree, the others key by key. */
export function itemsReach(option: string, items: readonly Pick<OptItem, 'key' | 'value' | 'form'>[], add: Add): void {
  if (option === '-drive' || option === '-blockdev') {
    // In -drive, "file=x" is the file name and "file.locking=off" an option of the same node (blockdev.c).
    const named = option === '-drive' ? items.map((i) => (i.key === 'file' ? { ...i, key: 'file.filename' } : i)) : items;
    const tree = flatToTree(named);
    if (typeof tree === 'string') add({ kind: 'unparsable', value: items.map((i) => `${i.key}=${i.value}`).join(','), problem: tree });
    else treeReach(option, tree, add);
    return;
  }
  if (option === '-set') {
    // -set group.id.key=value edits an option declared elsewhere (vmdesk's own disk among them): the new value
    // would bypass the checks that option had (an image given as a plain path), so it is not allowed.
    add({ kind: 'refused', value: items.map((i) => i.key).join(','), problem: 'it changes an option declared elsewhere, which vmdesk cannot check' });
    return;
  }
  const property = option === '-global' ? items.find((i) => i.key === 'property')?.value : undefined;
  for (const it of items) {
    if (it.form === 'flag') continue;
    // -global driver=D,property=P,value=V is D.P=V: the property decides whether V is a path.
    if (property !== undefined && it.key === 'value') {
      leafReach(option, `${items.find((i) => i.key === 'driver')?.value ?? ''}.${property}`, it.value, add);
      continue;
    }
    // -vnc unix:/x (or -display vnc=unix:/x) listens on a unix socket at /x; the TCP forms are args-binds.ts's.
    if ((option === '-vnc' || option === '-display') && it.key === 'vnc' && it.value.startsWith('unix:')) add({ kind: 'path', value: it.value.slice(5), key: 'vnc' });
    else leafReach(option, it.key, it.value, add);
  }
  const model = items.find((i) => i.key === 'driver')?.value;
  if (option === '-device' && model !== undefined && HOST_DEVICE_MODELS.test(model)) {
    add({ kind: 'refused', value: model, problem: `device "${model}" hands the guest a host device` });
  }
}

/** One key=value: a command, a path, or nothing. */
function leafReach(option: string, key: string, val: string, add: Add): void {
  if (/(^|-)cmd:/.test(val) && /^(-netdev|-net|-nic)$/.test(option)) {
    add({ kind: 'command', value: val, key });
    return;
  }
  if (isCommandKey(option, key)) {
    if (val !== '' && val !== 'no') add({ kind: 'command', value: val, key });
    return;
  }
  if (isPlainKey(option, key) || val === '') return;
  if (option === '-acpitable' && key === 'data') {
    for (const part of val.split(':')) if (part !== '') add({ kind: 'path', value: part, key });
    return;
  }
  add({ kind: 'path', value: val, key });
}

/** Dotted keyval items to a nested object (keyval.c); a clash ("a=1,a.b=2") is a reason string. */
function flatToTree(items: readonly Pick<OptItem, 'key' | 'value' | 'form'>[]): Record<string, QemuJson> | string {
  const root: Record<string, QemuJson> = Object.create(null) as Record<string, QemuJson>;
  for (const it of items) {
    const parts = it.key.split('.');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const cur = node[parts[i]!];
      if (cur === undefined) node = node[parts[i]!] = Object.create(null) as Record<string, QemuJson>;
      else if (cur && typeof cur === 'object' && !Array.isArray(cur)) node = cur;
      else return `key "${it.key}" clashes with "${parts.slice(0, i + 1).join('.')}"`;
    }
    const last = parts[parts.length - 1]!;
    if (node[last] !== undefined && typeof node[last] === 'object') return `key "${it.key}" clashes with its sub-keys`;
    node[last] = it.value;
  }
  return root;
}

/** A JSON (or keyval tree) value: block nodes and their images, every other string leaf by its key. */
function treeReach(option: string, tree: Record<string, QemuJson>, add: Add): void {
  if (option === '-blockdev' || option === '-drive') {
    blockNodeReach(option, tree, undefined, true, add);
    return;
  }
  if (option === '-device' && typeof tree.driver === 'string' && HOST_DEVICE_MODELS.test(tree.driver)) {
    add({ kind: 'refused', value: tree.driver, problem: `device "${tree.driver}" hands the guest a host device` });
  }
  const walk = (v: QemuJson, key: string): void => {
    if (typeof v === 'string') leafReach(option, key, v, add);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, key === 'guestfwd' ? key : k);
  };
  walk(tree, '');
}

/**
 * A block node (BlockdevOptions): its driver must be one vmdesk allows; a "filename" is a disk image whose
 * format is the format node above it; children ("file", "backing", "data-file") are nodes or node names.
 * In -drive the top-level "file" is the image's file name and "format" its format.
 */
function blockNodeReach(option: string, node: Record<string, QemuJson>, parentFormat: string | undefined, top: boolean, add: Add): void {
  const driver = typeof node.driver === 'string' ? node.driver : top && option === '-drive' && typeof node.format === 'string' ? node.format : undefined;
  for (const k of ['driver', 'format'] as const) {
    const d = node[k];
    if (typeof d === 'string' && !BLOCK_DRIVERS.has(d)) {
      add({ kind: 'refused', value: d, key: k, problem: `block driver "${d}" is not allowed (use ${[...ALLOWED_IMAGE_FORMATS].join(', ')} over the file protocol)` });
    }
  }
  const ownFormat = driver !== undefined && driver !== 'file' ? driver : undefined;
  const filename = node.filename;
  if (typeof filename === 'string') add({ kind: 'image', value: filename, key: 'filename', ...fmt(ownFormat ?? parentFormat) });
  for (const [k, v] of Object.entries(node)) {
    if (k === 'filename') continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const childFormat = k === 'file' ? ownFormat : k === 'data-file' ? 'raw' : undefined;
      blockNodeReach(option, v, childFormat, false, add);
    } else if (typeof v === 'string' && !['file', 'backing', 'data-file'].includes(k)) leafReach(option, k, v, add);
    else if (Array.isArray(v)) add({ kind: 'refused', value: k, key: k, problem: `block option "${k}" takes a list vmdesk does not check` });
  }
}

function fmt(format: string | undefined): { format?: string } {
  return format === undefined ? {} : { format };
}

/** A legacy character device / migration spec: "file:/x", "unix:/x,server=on", "tcp:h:p", "exec:cmd", "/dev/tty1" ... */
function chardevSpecReach(option: string, value: string, add: Add): void {
  let spec = value;
  while (spec.startsWith('mon:')) spec = spec.slice(4);
  if (SIMPLE_BACKENDS.has(spec) || /^vc:\d+[xX]\d+[cC]?$/.test(spec) || spec.startsWith('chardev:')) return;
  if (spec.startsWith('/dev/')) {
    add({ kind: 'path', value: spec });
    return;
  }
  const m = /^([a-z]+):(.*)$/s.exec(spec);
  const backend = m?.[1];
  const rest = m?.[2] ?? '';
  if (backend === 'exec') add({ kind: 'command', value: rest });
  else if (backend === 'file' || backend === 'pipe') add({ kind: 'path', value: rest }); // the whole rest (qemu_chr_parse_compat: no options)
  else if (backend === 'unix') {
    const path = option === '-incoming' ? rest : parseQemuOpts(rest, 'path').find((i) => i.key === 'path')?.value ?? '';
    add({ kind: 'path', value: path });
  } else if (backend === 'fd' && option === '-incoming') add({ kind: 'refused', value: spec, problem: 'migration from an inherited file descriptor' });
  else if (backend && ['tcp', 'telnet', 'websocket', 'udp', 'rdma'].includes(backend)) {
    /* network: checked by args-binds.ts */
  } else add({ kind: 'unparsable', value, problem: 'not a character device spec vmdesk knows (file:, pipe:, unix:, tcp:, telnet:, udp:, pty, null, stdio, vc, none, chardev:)' });
}

/** Where a relative path in args resolves: QEMU runs with the task's directory as its working directory. */
export function resolveArgPath(path: string, taskDir: string): string {
  if (path.startsWith('~/')) return '/nonexistent-home-expansion/' + path; // QEMU does not expand "~"; never allowed
  return isAbsolute(path) ? posix.normalize(path) : posix.join(taskDir, path);
}

/** How a reach is named in an error: `"-trace" events=./../secret`. */
function named(r: HostReach): string {
  return `"${r.option}"${r.key ? ` ${r.key}=` : ' value '}${JSON.stringify(r.value)}`;
}

/** Why this reach is not allowed (allowlist mode), or undefined when it is inside the allowed places. */
export function hostReachProblem(r: HostReach, taskDir: string, imagePaths: readonly string[]): string | undefined {
  if (r.kind === 'command') {
    return `"${r.option} ${r.value}" runs a host command; vmdesk never lets a task run host programs (remove it)`;
  }
  if (r.kind === 'unparsable') {
    return `"${r.option}" value ${JSON.stringify(r.value.slice(0, 200))} cannot be checked: ${r.problem}; with an args_allowlist, vmdesk refuses what it cannot read (write it in QemuOpts "key=value" or JSON syntax)`;
  }
  if (r.kind === 'refused') return `"${r.option}": ${r.problem}; this is not allowed with an args_allowlist`;
  if (/^[^:/]+:/.test(r.value)) {
    return `${named(r)} uses a protocol prefix; give a file inside the task's directory or image_paths`;
  }
  if (/[\u0000-\u001f\u007f]/.test(r.value)) return `${named(r)} contains a control character`;
  if (!isAllowedImagePathLexically(resolveArgPath(r.value, taskDir), taskDir, imagePaths)) {
    return `"${r.option}" reaches ${JSON.stringify(r.value)}, outside the task's directory and image_paths; with an args_allowlist, files given to QEMU in args must be in the allowed places`;
  }
  return undefined;
}
