// Fetch progress on the terminal: a redrawn bar (bytes, rate, ETA) on a TTY, plain lines otherwise, nothing
// with --json (its one line comes at the end). The formatting is pure; the reporter only writes.
import { formatBytes } from '../shared/format-bytes';
import type { ArtifactProgress } from '../main/artifacts/progress';

const PHASE_WORD: Record<ArtifactProgress['phase'], string> = {
  check: 'checking',
  download: 'downloading',
  verify: 'verifying',
  unpack: 'unpacking',
  copy: 'copying',
  done: 'done',
};

/** "1m05s" / "42s" / "--" for an ETA in seconds. Pure. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.ceil(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The bar line for one report: `[#####-----] 12.0 MiB / 40.0 MiB  5.0 MiB/s  ETA 6s  downloading disk.img`. Pure. */
export function formatProgressLine(p: ArtifactProgress, rateBytesPerS: number | undefined, width = 24): string {
  const name = p.source.split(/[?#]/)[0]!.split('/').pop() || p.source;
  const word = `${PHASE_WORD[p.phase]} ${name}`;
  if (p.phase === 'check' || p.phase === 'done') return word;
  const frac = p.total ? Math.min(1, p.done / p.total) : undefined;
  const filled = frac === undefined ? 0 : Math.round(frac * width);
  const bar = frac === undefined ? '' : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] `;
  const size = `${formatBytes(p.done)}${p.total ? ` / ${formatBytes(p.total)}` : ''}`;
  const rate = rateBytesPerS !== undefined && rateBytesPerS > 0 ? `  ${formatBytes(Math.round(rateBytesPerS))}/s` : '';
  const eta = p.total && rateBytesPerS ? `  ETA ${formatEta((p.total - p.done) / rateBytesPerS)}` : '';
  return `${bar}${size}${rate}${eta}  ${word}`;
}

/** A progress sink for the CLI (see the file comment); `end()` finishes the bar's line. */
export function progressReporter(write: (text: string) => void, mode: 'tty' | 'lines' | 'quiet'): { sink: (p: ArtifactProgress) => void; end: () => void } {
  let phaseKey = '';
  let phaseStart = 0;
  let phaseStartBytes = 0;
  let lastDraw = 0;
  let lastDecile = -1;
  let drawn = false;
  const sink = (p: ArtifactProgress) => {
    if (mode === 'quiet') return;
    const now = Date.now();
    const key = `${p.index}:${p.phase}`;
    if (key !== phaseKey) {
      if (mode === 'tty' && drawn) write('\n');
      drawn = false;
      phaseKey = key;
      phaseStart = now;
      phaseStartBytes = p.done;
      lastDecile = -1;
      if (mode === 'lines' && p.phase !== 'done') write(`vmdesk: ${formatProgressLine(p, undefined)}${p.resumedFrom ? ` (resuming at ${formatBytes(p.resumedFrom)})` : ''}\n`);
      if (p.phase === 'done') return;
    }
    const elapsed = (now - phaseStart) / 1000;
    const rate = elapsed > 0.2 ? (p.done - phaseStartBytes) / elapsed : undefined;
    if (mode === 'tty') {
      if (now - lastDraw < 100 && p.done !== p.total) return;
      lastDraw = now;
      write(`\r\x1b[2K${formatProgressLine(p, rate)}`);
      drawn = true;
    } else if (p.total) {
      const decile = Math.floor((p.done / p.total) * 10);
      if (decile > lastDecile && decile > 0) {
        lastDecile = decile;
        write(`vmdesk: ${formatProgressLine(p, rate)}\n`);
      }
    }
  };
  return {
    sink,
    end: () => {
      if (mode === 'tty' && drawn) write('\n');
      drawn = false;
    },
  };
}
