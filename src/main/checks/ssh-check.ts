// `ssh`: a command over ssh with the VM's cloud-init key. The ssh client is injected (SshRunner, context.ts):
// the cloud-init work provides it; without one the check fails and says so.
import type { CheckRunner } from './context';
import { excerpt, pause, throwIfAborted } from './context';

/** Runs an ssh check, retried until the timeout (sshd may not be up yet). */
export const sshCheck: CheckRunner = async (spec, ctx, deadline) => {
  const s = spec.ssh!;
  if (!ctx.ssh) {
    return {
      passed: false,
      message: 'ssh checks need a cloud_init task; this vmdesk has no ssh runner for it yet (use an agent check to run commands through the guest agent)',
      evidence: {},
    };
  }
  const re = s.stdout !== undefined ? new RegExp(s.stdout, 'm') : undefined;
  let last = 'no attempt';
  let attempts = 0;
  while (Date.now() < deadline) {
    throwIfAborted(ctx.signal);
    attempts++;
    try {
      const r = await ctx.ssh(ctx.vm.name, s.command);
      if (r.code !== 0) last = `exit code ${r.code}${r.stderr ? ` (stderr: ${excerpt(r.stderr.trim(), 200)})` : ''}`;
      else if (re && !re.test(r.stdout)) last = `stdout does not match /${s.stdout}/`;
      else return { passed: true, message: `${s.command.join(' ')}: exit 0`, evidence: { stdout: excerpt(r.stdout), attempts } };
    } catch (err) {
      last = (err as Error).message;
    }
    await pause(1000, ctx.signal);
  }
  return { passed: false, message: `${s.command.join(' ')} over ssh: ${last}`, evidence: { attempts } };
};
