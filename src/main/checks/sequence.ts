// Runs a test's checks in order: each timed and bounded by its timeout; the first failure ends the run and the
// rest are marked skipped. A runner that throws fails its check with the error's message.
import type { CheckKind, CheckSpec } from '../../shared/checks';
import { checkKind, checkTimeoutMs } from '../../shared/checks';
import type { CheckResult } from '../../shared/test-report';
import type { CheckContext, CheckRunner } from './context';
import { agentCheck } from './agent-check';
import { consoleCheck } from './console-check';
import { httpCheck } from './http-check';
import { portCheck } from './port-check';
import { screenCheck } from './screen-check';
import { shutdownCheck } from './shutdown-check';
import { sshCheck } from './ssh-check';

/** The runner for each kind. */
export const CHECK_RUNNERS: Record<CheckKind, CheckRunner> = {
  console: consoleCheck,
  port: portCheck,
  http: httpCheck,
  agent: agentCheck,
  ssh: sshCheck,
  screen: screenCheck,
  shutdown: shutdownCheck,
};

/** Extra time a runner gets past its deadline to finish its last attempt before it is cut off. */
const GRACE_MS = 30_000;

/** Runs one check and never throws. */
export async function runCheck(spec: CheckSpec, ctx: CheckContext, runners = CHECK_RUNNERS): Promise<CheckResult> {
  const kind = checkKind(spec);
  const started = performance.now();
  const deadline = Date.now() + checkTimeoutMs(spec);
  let timer: NodeJS.Timeout | undefined;
  const cutOff = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within its timeout (${spec.timeout ?? 'default'})`)), deadline - Date.now() + GRACE_MS);
  });
  try {
    const o = await Promise.race([runners[kind](spec, ctx, deadline), cutOff]);
    const message = ctx.signal.aborted && !o.passed ? 'interrupted (SIGINT or SIGTERM)' : o.message;
    return { name: spec.name, kind, status: o.passed ? 'passed' : 'failed', durationMs: Math.round(performance.now() - started), message, evidence: o.evidence };
  } catch (err) {
    return { name: spec.name, kind, status: 'failed', durationMs: Math.round(performance.now() - started), message: (err as Error).message, evidence: {} };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the checks in order; after the first failure the rest are skipped. `onResult` sees each as it ends,
 * `onStart` each that is about to run (by its index; the app shows it as running).
 */
export async function runChecks(
  checks: CheckSpec[],
  ctx: CheckContext,
  onResult: (r: CheckResult) => void = () => {},
  runners = CHECK_RUNNERS,
  onStart: (index: number) => void = () => {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let failed: string | undefined;
  for (const [index, spec] of checks.entries()) {
    if (failed === undefined && !ctx.signal.aborted) onStart(index);
    const r: CheckResult = failed !== undefined
      ? { name: spec.name, kind: checkKind(spec), status: 'skipped', durationMs: 0, message: `skipped: "${failed}" failed`, evidence: {} }
      : ctx.signal.aborted
        ? { name: spec.name, kind: checkKind(spec), status: 'failed', durationMs: 0, message: 'interrupted (SIGINT or SIGTERM)', evidence: {} }
        : await runCheck(spec, ctx, runners);
    if (r.status === 'failed' && failed === undefined) failed = spec.name;
    results.push(r);
    onResult(r);
  }
  return results;
}
