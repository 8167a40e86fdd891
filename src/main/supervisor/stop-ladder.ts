// The graceful stop ladder, pure: which steps a stop takes, and how an exit is summarised.
// Fixes Nomad's driver, which writes system_powerdown to HMP without reading the answer and then polls.
import type { StopStep } from '../../shared/vm';
import { INTERNAL_ERROR_REASON } from './halt-status';

/** The steps of a stop, in order, each bounded by the step timeout. Pure. */
export function stopSteps(opts: { gracefulShutdown: boolean; force: boolean }): StopStep[] {
  if (opts.force) return ['sigkill'];
  const hard: StopStep[] = ['quit', 'sigterm', 'sigkill'];
  return opts.gracefulShutdown ? ['powerdown', ...hard] : hard;
}

/** How long to wait after a step before taking the next one. SIGKILL cannot be ignored: a short bound suffices. Pure. */
export function stepTimeoutMs(step: StopStep, killTimeoutMs: number): number {
  if (step === 'sigkill') return Math.max(5_000, Math.min(killTimeoutMs, 10_000));
  return killTimeoutMs;
}

/** What an exit looked like. */
export interface ExitFacts {
  code: number | null;
  signal: string | null;
  shutdownReason?: string;
  requested: boolean;
  stopStep?: StopStep;
  /** The exit status could not be known (QEMU was not our child). */
  statusUnknown?: boolean;
}

const REASONS: Record<string, string> = {
  'guest-shutdown': 'guest powered off',
  'guest-reset': 'guest reset',
  'guest-panic': 'guest panicked',
  [INTERNAL_ERROR_REASON]: 'ended by vmdesk: the vCPU stopped with an internal error (see the events for why)',
  'host-qmp-quit': 'QEMU quit (QMP quit)',
  'host-qmp-system-reset': 'reset by QMP',
  'host-signal': 'QEMU stopped by a signal',
  'host-ui': 'closed from the QEMU UI',
  'host-error': 'QEMU hit an error',
};

/** A one-line human summary of an exit ("guest powered off", "killed by SIGKILL", ...). Pure. */
export function summariseExit(f: ExitFacts): string {
  const via = f.requested && f.stopStep ? ` (stop: ${f.stopStep})` : '';
  if (f.signal) return `killed by ${f.signal}${f.requested ? via : ' (not requested: crash)'}`;
  if (f.shutdownReason) return `${REASONS[f.shutdownReason] ?? f.shutdownReason}${via}`;
  if (f.statusUnknown) return `QEMU exited (exit status unknown: it was not a child of this process)${via}`;
  if (f.code === 0) return `QEMU exited${via}`;
  return `QEMU exited with code ${f.code}${via}`;
}
