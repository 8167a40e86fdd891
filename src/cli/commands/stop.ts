// `vmdesk stop NAME [--timeout D] [--force] [--json]`: the graceful stop ladder (or SIGKILL with --force).
import { parseDuration } from '../../shared/duration';
import { KILL_TIMEOUT_MAX_MS } from '../../shared/limits';
import { parseVmArgs, printJson, reporting, withSupervisor } from '../context';
import { UsageError, type Command } from '../command';
import { commandInfo } from './info';

/** The `stop` command. */
export const stopCommand: Command = {
  ...commandInfo('stop'),
  async run(args, io) {
    const { name, values, json } = parseVmArgs(args, { force: { type: 'boolean' }, timeout: { type: 'string' } });
    let timeoutMs: number | undefined;
    if (values.timeout !== undefined) {
      timeoutMs = parseDuration(values.timeout);
      if (timeoutMs === undefined || timeoutMs > KILL_TIMEOUT_MAX_MS) throw new UsageError(`--timeout: "${values.timeout}" is not a duration such as 30s or 1m (at most 1h)`);
    }
    return reporting(io, 'stop', json, async () => {
      const r = await withSupervisor((sup) => sup.stop(name, { force: values.force === true, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }));
      if (json) printJson(io, { name: r.name, step: r.step, durationMs: r.durationMs, vm: r.info });
      else io.out(r.step === 'already-exited' ? `${name} was not running\n` : `stopped ${name} by ${r.step} in ${(r.durationMs / 1000).toFixed(1)}s: ${r.info.lastExit?.summary ?? ''}\n`);
      return 0;
    });
  },
};
