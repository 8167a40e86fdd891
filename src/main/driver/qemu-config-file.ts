// QEMU's -readconfig file format, read the way QEMU 7.2 reads it (util/qemu-config.c qemu_config_parse): a
// line "[group]" or '[group "id"]' opens a group, '  key = "value"' sets an option of it, a line starting
// with "#" and an empty line are skipped, anything else is a parse error. Values are taken as written (no
// ",," escaping: they are set one by one, not parsed as QemuOpts). QEMU reads lines into a 1024-byte buffer
// and keys/values with sscanf widths (63/1023), so a longer line or value would be split or cut: vmdesk
// refuses those instead of guessing. Pure.
import type { OptItem } from './qemu-opts-parse';

/** One group of a config file, as the command line option it stands for. */
export interface ConfigGroup {
  /** The group name as written ("drive", "chardev" ...). */
  group: string;
  /** The command line option with the same QemuOptsList ("-drive"), or undefined for a group vmdesk does not know. */
  option: string | undefined;
  items: OptItem[];
  line: number;
}

/** Group names of QEMU 7.2's QemuOptsLists that -readconfig accepts, and their options. */
const GROUP_OPTIONS: Record<string, string> = {
  drive: '-drive', chardev: '-chardev', device: '-device', netdev: '-netdev', net: '-net', nic: '-nic', object: '-object',
  machine: '-machine', memory: '-m', 'smp-opts': '-smp', name: '-name', 'boot-opts': '-boot', global: '-global',
  mon: '-mon', rtc: '-rtc', icount: '-icount', accel: '-accel', numa: '-numa', fsdev: '-fsdev', virtfs: '-virtfs',
  spice: '-spice', trace: '-trace', plugin: '-plugin', tpmdev: '-tpmdev', 'fw_cfg': '-fw_cfg', sandbox: '-sandbox',
  msg: '-msg', 'add-fd': '-add-fd', action: '-action', overcommit: '-overcommit', vnc: '-vnc', smbios: '-smbios',
  audiodev: '-audiodev', 'semihosting-config': '-semihosting-config',
};

/** Parses a config file; throws an Error naming the line for anything QEMU would read differently. */
export function parseQemuConfigFile(text: string): ConfigGroup[] {
  const groups: ConfigGroup[] = [];
  let current: ConfigGroup | undefined;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.length >= 1023) throw new Error(`line ${n} is longer than QEMU reads in one piece (1022 characters)`);
    if (line === '' || line.startsWith('#')) return;
    const withId = /^\[(\S+)\s+"([^"]*)"/.exec(line);
    const bare = withId ? undefined : /^\[([^\]]*)\]/.exec(line);
    if (withId || bare) {
      const group = (withId ?? bare)![1]!;
      if (group.length > 63 || (withId && withId[2]!.length > 63)) throw new Error(`line ${n}: group name or id longer than 63 characters`);
      current = { group, option: GROUP_OPTIONS[group], items: withId ? [{ key: 'id', value: withId[2]!, form: 'pair' }] : [], line: n };
      groups.push(current);
      return;
    }
    const key = /^\s*(\S+)/.exec(line);
    const rest = key ? /^\s*=\s*"([^"]*)"/.exec(line.slice(key[0].length)) : null;
    if (!key || !rest) throw new Error(`line ${n} is not [group], [group "id"] or key = "value"`);
    if (key[1]!.length > 63 || rest[1]!.length >= 1023) throw new Error(`line ${n}: key or value longer than QEMU reads`);
    if (!current) throw new Error(`line ${n}: an option before any [group]`);
    current.items.push({ key: key[1]!, value: rest[1]!, form: 'pair' });
  });
  return groups;
}
