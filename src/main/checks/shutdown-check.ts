// `shutdown`: a graceful stop through the stop ladder. It passes only when the ladder ended at its first step,
// powerdown (the guest powered itself off on the ACPI button); otherwise it fails, and the VM is stopped anyway.
import { checkTimeoutMs } from '../../shared/checks';
import type { CheckRunner } from './context';

/** Runs a shutdown check. */
export const shutdownCheck: CheckRunner = async (spec, ctx) => {
  // Each ladder step gets the check's timeout when it sets one, else the task's kill_timeout.
  const opts = spec.timeout !== undefined ? { timeoutMs: checkTimeoutMs(spec) } : {};
  const r = await ctx.sup.stop(ctx.vm.name, opts);
  const evidence = { step: r.step, stopMs: Math.round(r.durationMs) };
  if (r.step === 'powerdown') return { passed: true, message: `the guest powered off (${(r.durationMs / 1000).toFixed(1)}s)`, evidence };
  if (r.step === 'already-exited') return { passed: false, message: 'the VM had already exited before the shutdown check', evidence };
  return { passed: false, message: `the guest did not power off on the ACPI power button; the stop ladder went on to ${r.step}`, evidence };
};
