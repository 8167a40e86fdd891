// Pure formatting helpers for the UI: uptime, bytes, times, percentages.
import { formatBytes as formatKnownBytes } from '../../../shared/format-bytes';

/** "3d 4h", "2h 05m", "4m 09s", "12s"; "—" for missing values. */
export function formatUptime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const total = Math.floor(ms / 1000);
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${two(m)}m`;
  if (m > 0) return `${m}m ${two(s)}s`;
  return `${s}s`;
}

/** Uptime now for a VM that started at `startedAt` (ISO), else the reported uptime. */
export function currentUptimeMs(startedAt: string | undefined, reportedMs: number | undefined, now: number): number | undefined {
  if (startedAt) {
    const t = Date.parse(startedAt);
    if (Number.isFinite(t)) return Math.max(0, now - t);
  }
  return reportedMs;
}


/** Bytes for people ("1.5 KiB"), or "—" when unknown. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  return formatKnownBytes(bytes);
}

/** A CPU percentage with one decimal under 10 ("3.4%", "57%"). */
export function formatPercent(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return '—';
  return p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

/** Local wall-clock time with seconds ("14:03:07") for an ISO time or epoch ms. */
export function formatClock(at: string | number): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Local date and time ("2026-11-27 14:03:07"). */
export function formatDateTime(at: string | number): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${formatClock(at)}`;
}
