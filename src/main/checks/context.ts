// What every check runner is given: the supervisor, the VM under test, its console so far, where to put files,
// and the deadline. Runners are small async functions `(spec, ctx) => outcome`; the sequencer (sequence.ts)
// times them and turns throws into failures.
import type { CheckSpec } from '../../shared/checks';
import type { SupervisorApi } from '../supervisor/api';
import type { VmInfo } from '../../shared/vm';
import type { ConsoleWatch } from './console-watch';

/** Runs a command in the VM over ssh (cloud-init's per-VM key); injected, see ssh.ts. */
export type SshRunner = (vmName: string, command: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

/** The world a check runs in. */
export interface CheckContext {
  sup: SupervisorApi;
  /** The VM as started (its forwarded ports). */
  vm: VmInfo;
  /** The run's serial console output, from the run's first byte. */
  console: ConsoleWatch;
  /** Where screenshots and other files go. */
  resultsDir: string;
  /** Aborted on SIGINT or SIGTERM: runners stop waiting. */
  signal: AbortSignal;
  ssh?: SshRunner | undefined;
}

/** What a runner reports (the sequencer adds name, kind and time). */
export interface CheckOutcome {
  passed: boolean;
  message: string;
  evidence: Record<string, unknown>;
}

/** A check runner. */
export type CheckRunner = (spec: CheckSpec, ctx: CheckContext, deadline: number) => Promise<CheckOutcome>;

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Thrown when the test was interrupted (SIGINT or SIGTERM) while a check waited. */
export class InterruptedError extends Error {
  constructor() {
    super('interrupted (SIGINT or SIGTERM)');
  }
}

/** Throws InterruptedError when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError();
}

/** Trims text kept as evidence to its last `max` characters. Pure. */
export function excerpt(text: string, max = 2000): string {
  return text.length <= max ? text : `…${text.slice(text.length - max)}`;
}

/** The host port forwarded for `label`, or an error message. Pure. */
export function hostPort(vm: VmInfo, label: string): { port: number } | { error: string } {
  const f = vm.ports.find((p) => p.label === label && p.protocols.includes('tcp'));
  return f ? { port: f.host } : { error: `the VM forwards no TCP port for label "${label}" (ports: ${vm.ports.map((p) => p.label).join(', ') || 'none'})` };
}
