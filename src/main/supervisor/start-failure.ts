// A start that QEMU refused is a run too: it is recorded (state "crashed", the reason, QEMU's last lines, how
// the partial start was stopped) so Overview, Events and `inspect` show it. Pure, apart from imageHolders.
import { join } from 'node:path';
import type { ExitRecord } from '../../shared/vm';
import { vmsDir } from '../store/paths';
import { isLive, nextState } from './state-machine';
import { listRecordNames, readRecord, type StateRecord } from './state-record';

/** What QEMU's stderr means in words, where the cause is known; undefined otherwise. Pure. */
export function explainStartFailure(stderr: string, ctx: { image: string; holders: readonly string[] }): string | undefined {
  if (/Failed to get "(write|read)" lock/.test(stderr)) {
    const who = ctx.holders.length > 0 ? `VM ${ctx.holders.map((h) => `"${h}"`).join(', ')}` : 'another program (another QEMU?)';
    const fix = ctx.holders.length > 0 ? 'stop it or make this VM disposable' : 'close that program or make this VM disposable';
    return `the image ${ctx.image} is in use by ${who}; ${fix}`;
  }
  if (/Could not open '[^']*': Permission denied/.test(stderr)) {
    return `QEMU may not open the image ${ctx.image} (permission denied); make it readable and writable by your user, or make this VM disposable`;
  }
  return undefined;
}

/** The record of a start that failed after QEMU was spawned: its state, and the exit that says why. Pure. */
export function failedStartRecord(
  record: StateRecord,
  failure: { message: string; at: string; code: number | null; signal: string | null; killed: boolean; stderrTail?: string },
): StateRecord {
  const stopped = failure.killed ? '; vmdesk stopped the partial start (SIGKILL)' : '';
  const lastExit: ExitRecord = {
    at: failure.at,
    code: failure.code,
    signal: failure.signal,
    requested: false,
    summary: `the start failed: ${failure.message}${stopped}`,
    ...(failure.stderrTail ? { stderrTail: failure.stderrTail } : {}),
  };
  const failed: StateRecord = { ...record, state: nextState(record.state, { type: 'start-failed' }), lastExit };
  delete failed.stopRequestedAt;
  return failed;
}

/** Names of other live VMs (by their records under `home`) whose image is `image` (a real path). */
export function imageHolders(home: string, image: string, except: string): string[] {
  return listRecordNames(home).filter((name) => {
    if (name === except) return false;
    const r = readRecord(join(vmsDir(home), name));
    return r.ok && isLive(r.record.state) && r.record.plan.image.path === image;
  });
}
