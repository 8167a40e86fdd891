// Every address that the task's `args` asks QEMU to listen on is bound to the driver config's
// port_bind_address: an empty host (which QEMU reads as "every interface") is rewritten to it, and any other
// host is refused with the reason (with an args_allowlist; a warning without one, Nomad's semantics). The
// forms, from qemu-options.hx and the code that parses them: slirp hostfwd ("tcp:[addr]:port-[gaddr]:gport",
// libslirp/net/slirp.c slirp_hostfwd), -netdev socket listen=/localaddr=, -netdev stream/dgram addr.host /
// local.host (qapi/net.json), -chardev socket (server) host=, -chardev udp localaddr=, legacy chardev specs
// "tcp:h:p,server=on", "telnet:", "websocket:", "udp:r:p@h:p" (-serial, -monitor, -qmp, -gdb, which always
// listens), -s (= -gdb tcp::1234), -incoming tcp:/rdma:, -vnc / -display vnc= ":N" and websocket=, -spice
// port=/tls-port= with addr=. Pure.
import { VmdeskError } from '../../shared/errors';
import { classifyArgs } from './args-policy';
import { parseQemuJson, qemuJsonText, type QemuJson } from './qemu-json';
import { formatQemuOpts, isOn, parseQemuOpts, type OptItem } from './qemu-opts-parse';

/** The args with every listening address bound, and warnings (for what was left alone without an allowlist). */
export interface BoundArgs {
  args: string[];
  warnings: string[];
}

class Refusal extends Error {}

/**
 * Binds every listening address in `args` to `bind`. With `strict` (a non-empty args_allowlist) an address
 * that cannot be bound throws ARG_NOT_ALLOWED; without, it is left as written and named in a warning.
 */
export function bindArgs(args: readonly string[], bind: string, strict: boolean): BoundArgs {
  const out: string[] = [];
  const warnings: string[] = [];
  for (const t of classifyArgs(args)) {
    if (t.kind === 'option' && t.option === '-s') {
      out.push('-gdb', `tcp:${bind}:1234`); // -s is "-gdb tcp::1234": every interface
      continue;
    }
    if (t.kind !== 'value') {
      out.push(t.token);
      continue;
    }
    try {
      out.push(bindValue(t.option!, t.token, bind));
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      const message = `"${t.option} ${t.token}": ${err.message}; port_bind_address is ${bind}`;
      if (strict) throw new VmdeskError('ARG_NOT_ALLOWED', `${message}: listen on ${bind} (or leave the host empty and vmdesk binds it there)`, `config.args.${t.index}`);
      warnings.push(`args: ${message} (args_allowlist is empty, so it is left as written)`);
      out.push(t.token);
    }
  }
  return { args: out, warnings };
}

/** The option value with its listening addresses bound; throws Refusal. */
function bindValue(option: string, value: string, bind: string): string {
  const host = (h: string, what: string): string => {
    if (h === '' || h === bind) return bind;
    throw new Refusal(`${what} listens on ${JSON.stringify(h)}`);
  };
  switch (option) {
    case '-netdev':
    case '-net':
    case '-nic':
      if (option === '-netdev' && value.trim().startsWith('{')) return bindNetdevJson(value, host);
      return rewriteItems(value, 'type', (items) => bindNetdevItems(items, host));
    case '-chardev':
      return rewriteItems(value, 'backend', (items) => bindChardevItems(items, host));
    case '-serial':
    case '-parallel':
    case '-monitor':
    case '-qmp':
    case '-qmp-pretty':
    case '-debugcon':
    case '-gdb':
    case '-incoming':
      return bindSpec(option, value, host);
    case '-vnc':
      return rewriteItems(value, 'vnc', (items) => bindVncItems(items, 'vnc', host));
    case '-display':
      return value.trim().startsWith('{') ? value : rewriteItems(value, 'type', (items) => bindVncItems(items, 'vnc', host));
    case '-spice':
      return rewriteItems(value, undefined, (items) => bindSpiceItems(items, host));
    default:
      return value;
  }
}

type HostFn = (h: string, what: string) => string;

function rewriteItems(value: string, implied: string | undefined, fn: (items: OptItem[]) => OptItem[] | undefined): string {
  const items = parseQemuOpts(value, implied);
  const next = fn(items);
  return next ? formatQemuOpts(next) : value;
}

const get = (items: readonly OptItem[], key: string) => [...items].reverse().find((i) => i.key === key)?.value;

function setItem(items: OptItem[], key: string, value: string): OptItem[] {
  const i = items.findIndex((x) => x.key === key);
  const item: OptItem = { key, value, form: 'pair' };
  if (i < 0) return [...items, item];
  return items.map((x, j) => (j === i ? item : x)).filter((x, j) => j <= i || x.key !== key);
}

/** One slirp hostfwd rule with its host address bound. */
export function bindHostfwd(rule: string, host: HostFn): string {
  const m = /^(tcp|udp|)?(:?)([^:]*):([^-]*)-(.*)$/s.exec(rule);
  if (!m || (m[1] === undefined && m[2] === '')) throw new Refusal(`hostfwd ${JSON.stringify(rule)} is not "tcp|udp:[hostaddr]:hostport-[guestaddr]:guestport"`);
  if (m[3]!.startsWith('[')) throw new Refusal(`hostfwd ${JSON.stringify(rule)} uses an IPv6 address`);
  return `${m[1] || 'tcp'}:${host(m[3]!, `hostfwd ${JSON.stringify(rule)}`)}:${m[4]}-${m[5]}`;
}

/** "[host]:port" with the host bound (netdev socket listen=, localaddr=). */
function bindHostPort(v: string, what: string, host: HostFn): string {
  const i = v.lastIndexOf(':');
  if (i < 0) throw new Refusal(`${what}=${JSON.stringify(v)} is not "[host]:port"`);
  return `${host(v.slice(0, i), `${what}=${v}`)}:${v.slice(i + 1)}`;
}

function bindNetdevItems(items: OptItem[], host: HostFn): OptItem[] | undefined {
  const type = get(items, 'type');
  let changed = false;
  let next = items.map((it) => {
    if (it.key === 'hostfwd') {
      changed = true;
      return { ...it, value: bindHostfwd(it.value, host) };
    }
    if (type === 'socket' && (it.key === 'listen' || it.key === 'localaddr')) {
      changed = true;
      return { ...it, value: bindHostPort(it.value, it.key, host) };
    }
    return it;
  });
  if (type === 'socket' && get(items, 'mcast') !== undefined) throw new Refusal('a multicast socket netdev receives from every host on the network');
  if (type === 'l2tpv3') throw new Refusal('an l2tpv3 netdev listens on a raw host socket');
  if ((type === 'stream' && isOn(items, 'server')) || type === 'dgram') {
    const prefix = type === 'stream' ? 'addr' : 'local';
    const t = get(items, `${prefix}.type`);
    if (t === 'inet' || (t === undefined && get(items, `${prefix}.host`) !== undefined)) {
      next = setItem(next, `${prefix}.host`, host(get(items, `${prefix}.host`) ?? '', `${prefix}.host`));
      changed = true;
    } else if (t === 'fd') throw new Refusal(`${prefix}.type=fd uses an inherited file descriptor`);
  }
  return changed ? next : undefined;
}

function bindNetdevJson(value: string, host: HostFn): string {
  let json: QemuJson;
  try {
    json = parseQemuJson(value);
  } catch {
    return value; // args-host-reach.ts refuses (or warns about) what it cannot read
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return value;
  const o = json;
  if (Array.isArray(o.hostfwd)) {
    o.hostfwd = o.hostfwd.map((r) => (r && typeof r === 'object' && !Array.isArray(r) && typeof r.str === 'string' ? { ...r, str: bindHostfwd(r.str, host) } : r));
  }
  if (o.type === 'socket') {
    for (const k of ['listen', 'localaddr']) if (typeof o[k] === 'string') o[k] = bindHostPort(o[k], k, host);
    if (o.mcast !== undefined) throw new Refusal('a multicast socket netdev receives from every host on the network');
  }
  if (o.type === 'l2tpv3') throw new Refusal('an l2tpv3 netdev listens on a raw host socket');
  const addrKey = o.type === 'stream' && o.server === true ? 'addr' : o.type === 'dgram' ? 'local' : undefined;
  const addr = addrKey ? o[addrKey] : undefined;
  if (addr && typeof addr === 'object' && !Array.isArray(addr)) {
    if (addr.type === 'inet') addr.host = host(typeof addr.host === 'string' ? addr.host : '', `${addrKey}.host`);
    else if (addr.type === 'fd') throw new Refusal(`${addrKey}.type=fd uses an inherited file descriptor`);
  }
  return qemuJsonText(o);
}

function bindChardevItems(items: OptItem[], host: HostFn): OptItem[] | undefined {
  const backend = get(items, 'backend');
  if (backend === 'socket' && isOn(items, 'server') && get(items, 'path') === undefined && get(items, 'fd') === undefined) {
    return setItem(items, 'host', host(get(items, 'host') ?? '', 'a server socket chardev'));
  }
  if (backend === 'udp' && (get(items, 'localport') !== undefined || get(items, 'localaddr') !== undefined)) {
    return setItem(items, 'localaddr', host(get(items, 'localaddr') ?? '', 'a udp chardev localaddr'));
  }
  return undefined;
}

/** A legacy spec: tcp:/telnet:/websocket: with server (always for -gdb and -incoming), udp:...@local, rdma:. */
function bindSpec(option: string, value: string, host: HostFn): string {
  let mon = '';
  let spec = value;
  while (spec.startsWith('mon:')) {
    mon += 'mon:';
    spec = spec.slice(4);
  }
  const m = /^(tcp|telnet|websocket|rdma):([^,]*?):([^:,]*)(,.*)?$/s.exec(spec);
  if (m) {
    const opts = m[4] ? parseQemuOpts(m[4].slice(1)) : [];
    const listens = option === '-gdb' || option === '-incoming' || isOn(opts, 'server');
    if (!listens) return value;
    if (m[1] === 'rdma' && option !== '-incoming') return value;
    if (m[2]!.startsWith('[')) throw new Refusal('an IPv6 listening address');
    return `${mon}${m[1]}:${host(m[2]!, `${option} ${m[1]}:`)}:${m[3]}${m[4] ?? ''}`;
  }
  const u = /^udp:([^@]*)@([^:]*):(.*)$/s.exec(spec);
  if (u) return `${mon}udp:${u[1]}@${host(u[2]!, `${option} udp local address`)}:${u[3]}`;
  if (/^(tcp|telnet|websocket|rdma):/.test(spec) && (option === '-gdb' || option === '-incoming' || /(^|,)server/.test(spec))) {
    throw new Refusal('not a "[host]:port" address vmdesk can bind');
  }
  return value;
}

function bindVncItems(items: OptItem[], key: string, host: HostFn): OptItem[] | undefined {
  const display = get(items, key);
  let next = items;
  let changed = false;
  if (display !== undefined && display !== 'none' && !display.startsWith('unix:') && get(items, 'reverse') !== 'on' && !isOn(items, 'reverse')) {
    const m = /^(.*):(\d+)$/s.exec(display);
    if (!m) throw new Refusal(`VNC display ${JSON.stringify(display)} is not "[host]:N"`);
    next = next.map((it) => (it.key === key ? { ...it, value: `${host(m[1]!, 'VNC')}:${m[2]}`, form: it.form === 'implied' ? 'implied' : 'pair' } : it));
    changed = true;
  }
  const ws = get(items, 'websocket');
  if (ws !== undefined) {
    if (!/:\d+$/.test(ws) && !/^\d+$/.test(ws)) throw new Refusal(`websocket=${ws} listens where vmdesk cannot tell; give websocket=HOST:PORT`);
    const port = ws.replace(/^.*:/, '');
    const h = ws.includes(':') ? ws.slice(0, ws.lastIndexOf(':')) : '';
    next = setItem(next, 'websocket', `${host(h, 'the VNC websocket')}:${port}`);
    changed = true;
  }
  return changed ? next : undefined;
}

function bindSpiceItems(items: OptItem[], host: HostFn): OptItem[] | undefined {
  if (isOn(items, 'unix')) return undefined;
  if (get(items, 'port') === undefined && get(items, 'tls-port') === undefined) return undefined;
  return setItem(items, 'addr', host(get(items, 'addr') ?? '', 'SPICE'));
}
