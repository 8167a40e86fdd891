// `agent`: a command run through the QEMU guest agent (guest-exec, then guest-exec-status until it exits; the
// supervisor's agent client decodes the base64 out-data), its exit code and stdout checked. Retried until the
// timeout: right after boot the agent may not answer yet, and a service may not be ready.
import type { CheckRunner } from './context';
import { excerpt, pause, throwIfAborted } from './context';

/** Runs an agent check. */
export const agentCheck: CheckRunner = async (spec, ctx, deadline) => {
  const a = spec.agent!;
  const want = a.exit_code ?? 0;
  const re = a.stdout !== undefined ? new RegExp(a.stdout, 'm') : undefined;
  let attempts = 0;
  let last = 'no attempt';
  let evidence: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    throwIfAborted(ctx.signal);
    attempts++;
    try {
      const r = await ctx.sup.agent.exec(ctx.vm.name, a.command, { timeoutMs: Math.min(60_000, Math.max(2000, deadline - Date.now())) });
      evidence = { exitCode: r.exitCode, stdout: excerpt(r.stdout), stderr: excerpt(r.stderr), attempts };
      if (r.exitCode !== want) last = `exit code ${r.exitCode}, expected ${want}${r.stderr ? ` (stderr: ${excerpt(r.stderr.trim(), 200)})` : ''}`;
      else if (re && !re.test(r.stdout)) last = `stdout does not match /${a.stdout}/ (stdout: ${JSON.stringify(excerpt(r.stdout.trim(), 200))})`;
      else return { passed: true, message: `${a.command.join(' ')}: exit ${r.exitCode}`, evidence };
    } catch (err) {
      last = (err as Error).message;
      evidence = { attempts, error: last };
    }
    await pause(1000, ctx.signal);
  }
  return { passed: false, message: `${a.command.join(' ')}: ${last}`, evidence };
};
