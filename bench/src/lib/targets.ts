// The targets, as data, and their evaluation against measured figures. Pure.
import type { Figure, TargetVerdict } from './results';

type Stat = 'median' | 'p95' | 'p99' | 'max' | 'min';

/** One target: a bound on a statistic of the figure, on its ratio, or on the added amount. */
export type Target =
  | { kind: 'at-most'; stat: Stat; limit: number; text: string }
  | { kind: 'below'; stat: Stat; limit: number; text: string }
  | { kind: 'at-least'; stat: Stat; limit: number; text: string }
  | { kind: 'added-at-most'; limit: number; text: string }
  | { kind: 'added-below'; limit: number; text: string }
  | { kind: 'ratio-at-most'; limit: number; text: string }
  | { kind: 'ratio-at-least'; limit: number; text: string };

/** Targets by figure id (from the table). */
export const TARGETS: Record<string, Target> = {
  'start.qmp.in-process': { kind: 'added-at-most', limit: 15, text: 'at most 15 ms added to raw QEMU (median)' },
  'start.marker.in-process': { kind: 'ratio-at-most', limit: 1.02, text: 'within 2 % of raw QEMU (median)' },
  'stop.exit-noticed': { kind: 'at-most', stat: 'median', limit: 10, text: 'at most 10 ms (median)' },
  'stop.exit-noticed.vs-node': { kind: 'added-at-most', limit: 2, text: 'within 2 ms of Node\'s own child exit event (median; issue #19)' },
  'console.rss': { kind: 'added-below', limit: 16, text: 'RSS growth while streaming under 16 MB (median; issue #19)' },
  'console.throughput': { kind: 'ratio-at-least', limit: 0.5, text: 'at least half of `cat` to a file (median)' },
  'console.lost': { kind: 'at-most', stat: 'max', limit: 0, text: '0 bytes lost' },
  'console.latency': { kind: 'below', stat: 'p99', limit: 50, text: 'p99 under 50 ms' },
  'scale.8.rss': { kind: 'at-most', stat: 'max', limit: 150, text: 'at most 150 MB' },
  'scale.8.cpu': { kind: 'below', stat: 'median', limit: 2, text: 'under 2 % of one core' },
  'scale.per-vm': { kind: 'at-most', stat: 'median', limit: 2, text: 'at most 2 MB per VM' },
  'scale.8.reattach': { kind: 'at-most', stat: 'max', limit: 1000, text: 'all re-attached within 1 s' },
  'renderer.frame': { kind: 'at-most', stat: 'p95', limit: 33, text: 'p95 frame at most 33 ms' },
  'renderer.dropped': { kind: 'at-most', stat: 'max', limit: 0, text: '0 lines dropped' },
  'renderer.logs-first-screen': { kind: 'at-most', stat: 'max', limit: 500, text: 'under 500 ms to the first screen of lines' },
  'artifacts.download': { kind: 'ratio-at-least', limit: 0.9, text: 'at least 0.9× `curl -o` (median)' },
  'cloud.done.in-process': { kind: 'ratio-at-most', limit: 1.02, text: 'within 2 % of raw QEMU (median)' },
  'checks.console': { kind: 'added-at-most', limit: 50, text: 'at most 50 ms more than `vmdesk run` waiting for the same marker (median)' },
  'display.screenshot': { kind: 'added-at-most', limit: 10, text: 'within 10 ms of raw QMP screendump (median)' },
  'display.snapshot.save': { kind: 'ratio-at-most', limit: 1.05, text: 'within 5 % of the raw QMP job (median)' },
  'display.snapshot.restore': { kind: 'ratio-at-most', limit: 1.05, text: 'within 5 % of the raw QMP job (median)' },
  'artifacts.start-cached': { kind: 'added-at-most', limit: 20, text: 'within 20 ms of starting the same image from a local file (median)' },
  'app.main-ready': { kind: 'at-most', stat: 'median', limit: 500, text: 'at most 500 ms (median)' },
  'cli.help': { kind: 'added-at-most', limit: 40, text: 'at most 40 ms above `node -e 0` (median)' },
  'cli.ls': { kind: 'added-at-most', limit: 40, text: 'at most 40 ms above `node -e 0` (median)' },
  'cli.inspect': { kind: 'added-at-most', limit: 40, text: 'at most 40 ms above `node -e 0` (median)' },
  'cli.plan': { kind: 'added-at-most', limit: 40, text: 'at most 40 ms above `node -e 0` (median)' },
};

/** Whether `f` meets `t`. A figure without the baseline a ratio target needs fails. */
export function evaluate(t: Target, f: Figure): TargetVerdict {
  const pass = (() => {
    switch (t.kind) {
      case 'at-most':
        return f.value[t.stat] <= t.limit;
      case 'below':
        return f.value[t.stat] < t.limit;
      case 'at-least':
        return f.value[t.stat] >= t.limit;
      case 'added-at-most':
        return f.added !== undefined && f.added <= t.limit;
      case 'added-below':
        return f.added !== undefined && f.added < t.limit;
      case 'ratio-at-most':
        return f.ratio !== undefined && f.ratio <= t.limit;
      case 'ratio-at-least':
        return f.ratio !== undefined && f.ratio >= t.limit;
    }
  })();
  return { text: t.text, pass };
}

/** The figure with its target verdict attached (when the issue sets a target for it). */
export function withTarget(f: Figure, targets: Record<string, Target> = TARGETS): Figure {
  const t = targets[f.id];
  return t ? { ...f, target: evaluate(t, f) } : f;
}
