// Words and numbers for a download (the VM header's progress bar and the Downloads list). Pure.
import type { Download } from '../../../shared/download';
import { formatBytes } from './format';

const PHASE: Record<string, string> = { check: 'Checking', download: 'Downloading', verify: 'Verifying', unpack: 'Unpacking', copy: 'Copying', done: 'Fetched' };

/** The file name part of a source URL or path ("https://x/a/disk.qcow2?x=1" -> "disk.qcow2"). */
export function sourceName(source: string): string {
  const path = source.replace(/[?#].*$/, '').replace(/\/+$/, '');
  return path.slice(path.lastIndexOf('/') + 1) || source;
}

/** Seconds left at the current rate, or undefined when it cannot be said. */
export function etaSeconds(d: Download): number | undefined {
  if (!d.rate || d.total === undefined || d.total <= d.done) return undefined;
  return Math.ceil((d.total - d.done) / d.rate);
}

/** "12 s", "3 min 5 s", "1 h 2 min". */
export function formatEta(s: number): string {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** What the download is doing, in a line: "Downloading disk.img (1 of 2): 3 MiB of 10 MiB · 1 MiB/s · 7 s left". */
export function downloadLine(d: Download): string {
  const name = sourceName(d.source);
  const which = d.count > 1 ? ` (${d.index + 1} of ${d.count})` : '';
  if (d.status === 'done') return `Fetched ${d.count > 1 ? `${d.count} artifacts` : name}`;
  if (d.status === 'cancelled') return `Cancelled ${name}${d.done ? ` at ${formatBytes(d.done)}` : ''}: Start again to resume`;
  if (d.status === 'failed') return `Could not fetch ${name}: ${d.error ?? 'unknown error'}`;
  const amount = d.total !== undefined ? `${formatBytes(d.done)} of ${formatBytes(d.total)}` : formatBytes(d.done);
  const rate = d.rate ? ` · ${formatBytes(d.rate)}/s` : '';
  const eta = etaSeconds(d);
  const resumed = d.resumedFrom ? ` · resumed at ${formatBytes(d.resumedFrom)}` : '';
  return `${PHASE[d.phase] ?? d.phase} ${name}${which}: ${amount}${rate}${eta !== undefined ? ` · ${formatEta(eta)} left` : ''}${resumed}`;
}

/** The bar's fraction (0..1), or undefined for an indeterminate bar. */
export function downloadFraction(d: Download): number | undefined {
  if (d.status === 'done') return 1;
  if (d.total === undefined || d.total === 0) return undefined;
  return Math.min(1, d.done / d.total);
}
