// What the values of the task's `args` reach on the host: files and directories (`-kernel /x`,
// `-drive file=/x`, `-chardev file,path=/x`, `-netdev user,smb=/x`, `-L /x`, `-plugin file=/x.so`,
// `-readconfig /x`) and host commands (`guestfwd=...-cmd:`, `exec:` backends, tap `script=`/`downscript=`,
// bridge `helper=`). The allowlist names options; it does not say which host files a task may reach. With
// a non-empty args_allowlist, vmdesk applies the image rule to those values too: every host path must lie
// in the task's directory or image_paths, and host commands are refused. With an empty allowlist (Nomad's
// semantics: every argument is allowed) the same findings are warnings that say so. Pure: the I/O layer
// (prepare.ts) re-checks existing paths with symlinks resolved.
import { isAbsolute, posix } from 'node:path';
import type { ArgToken } from './args-policy';
import { isAllowedImagePathLexically } from './image-policy';

/** One host resource named by an argument value. */
export interface HostReach {
  index: number;
  option: string;
  kind: 'path' | 'command';
  /** The path (as written) or the command text. */
  value: string;
}

// Options whose whole argument is a host path (qemu-options.hx: HAS_ARG with a file or directory).
const BARE_PATH_OPTIONS = new Set([
  '-kernel', '-initrd', '-bios', '-dtb', '-L', '-readconfig', '-hda', '-hdb', '-hdc', '-hdd', '-cdrom', '-fda',
  '-fdb', '-pflash', '-mtdblock', '-sd', '-option-rom', '-mem-path', '-pidfile', '-D', '-chroot', '-loadvm',
]);
// QemuOpts keys that name a host file or directory (block, chardev, netdev, fsdev, object, plugin, fw_cfg...).
const PATH_KEYS = new Set([
  'file', 'filename', 'path', 'logfile', 'data', 'smb', 'tftp', 'dir', 'mem-path', 'romfile', 'kernel', 'initrd',
  'dtb', 'bios', 'sock', 'socket', 'fd-path', 'x509-dir', 'dir-path', 'sysfsdev', 'vhostdev', 'tftp-server-name',
]);
// Keys whose value is a host program run by QEMU (tap/bridge networking).
const COMMAND_KEYS = new Set(['script', 'downscript', 'helper']);
// Chardev / serial backends written as "backend:arg" (-serial file:/x, -monitor unix:/x, -incoming exec:cmd).
const PATH_BACKENDS = new Set(['file', 'pipe', 'unix', 'tty', 'serial', 'parallel', 'pty']);

/** Splits a QemuOpts string on unescaped commas (",," is a literal comma) into its items. */
export function qemuOptsItems(value: string): string[] {
  const items: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === ',') {
      if (value[i + 1] === ',') {
        cur += ',';
        i++;
        continue;
      }
      items.push(cur);
      cur = '';
    } else cur += value[i];
  }
  items.push(cur);
  return items;
}

/** Every string inside a JSON option value (`-blockdev {"driver":"file","filename":"/x"}`), with its key. */
function jsonStrings(value: unknown, key = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[key, value]];
  if (Array.isArray(value)) return value.flatMap((v) => jsonStrings(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => jsonStrings(v, k));
  return [];
}

/** Host paths and commands that the option values in `tokens` reach. */
export function argsHostReach(tokens: readonly ArgToken[]): HostReach[] {
  const out: HostReach[] = [];
  for (const t of tokens) {
    if (t.kind !== 'value') continue;
    const option = t.option!;
    const add = (kind: HostReach['kind'], value: string) => out.push({ index: t.index, option, kind, value });
    if (BARE_PATH_OPTIONS.has(option)) {
      add('path', t.token);
      continue;
    }
    const v = t.token.trim();
    let pairs: Array<[string, string]>;
    if (v.startsWith('{')) {
      try {
        pairs = jsonStrings(JSON.parse(v));
      } catch {
        pairs = [];
      }
    } else {
      // The first item of -chardev/-netdev/-serial may be the backend name or "backend:arg".
      pairs = qemuOptsItems(v).map((item) => {
        const eq = item.indexOf('=');
        return eq < 0 ? ['', item] : [item.slice(0, eq), item.slice(eq + 1)];
      });
    }
    for (const [key, val] of pairs) {
      const k = key.replace(/^.*\./, ''); // file.filename, drive.file.filename ...
      if (k === 'guestfwd' || /(^|-)cmd:/.test(val)) {
        if (/cmd:/.test(val)) add('command', val);
        continue;
      }
      if (COMMAND_KEYS.has(k) && val !== '' && val !== 'no') add('command', val);
      else if (PATH_KEYS.has(k) && val !== '') add('path', val);
      else if (k === '' && (option === '-plugin' || option === '-acpitable') && val !== '') add('path', val); // implied key "file"
      else if (k === '' || k === 'chardev' || k === 'backend') {
        const colon = /^([a-z]+):(.*)$/s.exec(val);
        if (colon && colon[1] === 'exec') add('command', colon[2]!);
        else if (colon && PATH_BACKENDS.has(colon[1]!) && colon[2] !== '') add('path', colon[2]!.replace(/,.*$/s, ''));
        else if (isAbsolute(val) || val.startsWith('./') || val.startsWith('../') || val.startsWith('~/')) add('path', val);
      } else if (isAbsolute(val) || val.startsWith('../') || val.startsWith('~/')) add('path', val);
    }
  }
  return out;
}

/** Where a relative path in args resolves: QEMU runs with the task's directory as its working directory. */
export function resolveArgPath(path: string, taskDir: string): string {
  if (path.startsWith('~/')) return '/nonexistent-home-expansion/' + path; // QEMU does not expand "~"; never allowed
  return isAbsolute(path) ? posix.normalize(path) : posix.join(taskDir, path);
}

/** Why this reach is not allowed (allowlist mode), or undefined when it is inside the allowed places. */
export function hostReachProblem(r: HostReach, taskDir: string, imagePaths: readonly string[]): string | undefined {
  if (r.kind === 'command') {
    return `"${r.option} ${r.value}" runs a host command; vmdesk never lets a task run host programs (remove it)`;
  }
  if (/^[^:/]+:/.test(r.value)) {
    return `"${r.option}" value ${JSON.stringify(r.value)} uses a protocol prefix; give a file inside the task's directory or image_paths`;
  }
  if (!isAllowedImagePathLexically(resolveArgPath(r.value, taskDir), taskDir, imagePaths)) {
    return `"${r.option}" reaches ${JSON.stringify(r.value)}, outside the task's directory and image_paths; with an args_allowlist, files given to QEMU in args must be in the allowed places`;
  }
  return undefined;
}
