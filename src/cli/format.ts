// Human output: aligned tables and readable durations, sizes and VM summaries. Pure.
import type { PortForward } from '../shared/plan';
import type { LogDiskStatus, VmInfo } from '../shared/vm';

/** Rows aligned in columns (header first), two spaces apart, no trailing spaces. */
export function formatTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** "3h04m", "2m05s", "12s". */
export function formatUptime(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** Bytes for people ("1.5 KiB"): the one shared formatter. */
export { formatBytes } from '../shared/format-bytes';

/** "http 127.0.0.1:8080->80". */
export function formatPorts(ports: PortForward[]): string {
  return ports.length ? ports.map((p) => `${p.label} ${p.bind}:${p.host}->${p.guest}`).join(', ') : '-';
}

/** The `inspect` block: one "key  value" line per field, aligned. */
export function formatInspect(vm: VmInfo): string {
  const rows: Array<[string, string]> = [
    ['name', vm.name],
    ['state', vm.state],
    ['pid', vm.pid ? String(vm.pid) : '-'],
    ['uuid', vm.uuid ?? '-'],
    ['started', vm.startedAt ?? '-'],
    ['uptime', formatUptime(vm.uptimeMs)],
    ['ports', formatPorts(vm.ports)],
    ['guest agent', vm.agentSeenAt ? `${vm.agent} (seen ${vm.agentSeenAt})` : vm.agent],
    ['disposable', vm.disposable ? 'yes' : 'no'],
    ['task file', vm.taskFile ?? '-'],
    ['last exit', vm.lastExit ? `${vm.lastExit.summary} at ${vm.lastExit.at}` : '-'],
  ];
  if (vm.lastExit?.stderrTail) rows.push(['qemu stderr', vm.lastExit.stderrTail.replace(/\n/g, '\n' + ' '.repeat(13))]);
  if (vm.ssh) rows.push(['ssh', vm.ssh.command ? `vmdesk ssh ${vm.name}  (${vm.ssh.command.join(' ')})` : `no port_map label "${vm.ssh.label}"`]);
  if (vm.logDisk) rows.push(['log disk', `FULL since ${vm.logDisk.since}: ${vm.logDisk.message}`]);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

/** The warning `vmdesk events` and `vmdesk logs` print (on stderr) while the VM's log disk is full. Pure. */
export function logDiskWarning(name: string, logDisk: LogDiskStatus): string {
  return `vmdesk: warning: ${name}: ${logDisk.message}\n`;
}
