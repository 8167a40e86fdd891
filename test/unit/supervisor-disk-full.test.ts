// The log-disk-full decisions (pure): when an episode starts and ends, that each is reported once, and what
// the message tells the user. The same code against a real full tmpfs: test/integration/chaos-disk-full.test.ts.
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  isDiskFullError,
  logDiskFullMessage,
  logDiskResumedMessage,
  logDiskStatus,
  nextLogDiskState,
  type LogDiskObservation,
  type LogDiskState,
} from '../../src/main/supervisor/disk-space';
import { logDiskWarning } from '../../src/cli/format';
import { qmpEventMessage } from '../../src/main/supervisor/vm-session';

const t = { fullBelowBytes: 100, resumeAtBytes: 1000 };
const at = '2026-01-01T00:00:00.000Z';
const ok: LogDiskState = { full: false };
const full: LogDiskState = { full: true, since: at, path: '/h/vms/a/vm.json', freeBytes: 0, cause: 'ENOSPC: no space left on device, write' };
const free = (n: number | undefined): LogDiskObservation => ({ type: 'free-space', path: '/h/vms/a', freeBytes: n, at: '2026-01-01T00:00:05.000Z' });
const failed: LogDiskObservation = { type: 'write-failed', path: '/h/vms/a/events.jsonl', error: 'ENOSPC: no space left on device, write', freeBytes: 12, at };
const writeOk: LogDiskObservation = { type: 'write-ok', path: '/h/vms/a/vm.json', at };

describe('nextLogDiskState', () => {
  it.each<[string, LogDiskState, LogDiskObservation, boolean, 'full' | 'resumed' | undefined]>([
    ['plenty free: nothing', ok, free(5000), false, undefined],
    ['exactly the floor is not full', ok, free(100), false, undefined],
    ['below the floor: full, reported', ok, free(99), true, 'full'],
    ['zero free: full, reported', ok, free(0), true, 'full'],
    ['statfs unavailable: no change', ok, free(undefined), false, undefined],
    ['a write of ours failed: full, reported', ok, failed, true, 'full'],
    ['a write succeeded while fine: nothing', ok, writeOk, false, undefined],
    ['full, a second failure: not reported again', full, failed, true, undefined],
    ['full, still below the floor: not reported again', full, free(10), true, undefined],
    ['full, between floor and resume mark (hysteresis): still full, silent', full, free(500), true, undefined],
    ['full, just below the resume mark: still full', full, free(999), true, undefined],
    ['full, at the resume mark: resumed, reported', full, free(1000), false, 'resumed'],
    ['full, lots free: resumed', full, free(10_000_000), false, 'resumed'],
    ['full, statfs unavailable: stays full', full, free(undefined), true, undefined],
    ['full, statfs unavailable but a write succeeded: resumed', full, writeOk, false, 'resumed'],
  ])('%s', (_what, state, obs, fullAfter, report) => {
    const d = nextLogDiskState(state, obs, t);
    expect(d.state.full).toBe(fullAfter);
    expect(d.report).toBe(report);
  });

  it('an episode is reported once however many failures follow, and its end once', () => {
    const seq: LogDiskObservation[] = [free(5000), failed, failed, free(0), free(50), failed, free(500), free(2000), free(2000), free(3000), failed, free(5000)];
    let s: LogDiskState = ok;
    const reports: string[] = [];
    for (const o of seq) {
      const d = nextLogDiskState(s, o, t);
      s = d.state;
      if (d.report) reports.push(d.report);
    }
    expect(reports).toEqual(['full', 'resumed', 'full', 'resumed']);
  });

  it('keeps when and why the episode began, and updates the free space it last saw', () => {
    const d1 = nextLogDiskState(ok, failed, t);
    expect(d1.state).toEqual({ full: true, since: at, path: '/h/vms/a/events.jsonl', freeBytes: 12, cause: 'ENOSPC: no space left on device, write' });
    const d2 = nextLogDiskState(d1.state, free(40), t);
    expect(d2.state).toMatchObject({ since: at, path: '/h/vms/a/events.jsonl', freeBytes: 40 });
  });
});

describe('isDiskFullError', () => {
  it.each([
    [Object.assign(new Error('x'), { code: 'ENOSPC' }), true],
    [Object.assign(new Error('x'), { code: 'EDQUOT' }), true],
    [Object.assign(new Error('x'), { code: 'EACCES' }), false],
    [Object.assign(new Error('x'), { code: 'ENOENT' }), false],
    [new Error('No space left on device'), false],
    [undefined, false],
  ])('%s -> %s', (err, expected) => expect(isDiskFullError(err)).toBe(expected));
});

describe('what the user is told', () => {
  it('the full message names the directory, the failing path, the free space, what still works and what to do', () => {
    const m = logDiskFullMessage(full as Extract<LogDiskState, { full: true }>, '/h/vms/a');
    expect(m).toContain('the disk holding /h/vms/a is full');
    expect(m).toContain('0 B free');
    expect(m).toContain('/h/vms/a/vm.json: ENOSPC');
    expect(m).toMatch(/VM keeps running/);
    expect(m).toMatch(/QEMU drops console and stderr output/);
    expect(m).toMatch(/vmdesk rm --purge/);
    expect(m).toMatch(/VMDESK_HOME/);
    expect(m).toMatch(/resumes by itself/);
  });

  it('the resumed message says what was lost', () => {
    expect(logDiskResumedMessage(at, 3 * 1024 * 1024, '/h/vms/a')).toBe(
      `the disk holding /h/vms/a has space again (3 MiB free); logging resumed (console output QEMU could not write since ${at} is lost)`,
    );
  });

  it('the inspect status exists only while full; the CLI warning carries the message', () => {
    expect(logDiskStatus(ok, '/h/vms/a')).toBeUndefined();
    const st = logDiskStatus(full, '/h/vms/a')!;
    expect(st).toMatchObject({ full: true, since: at, path: '/h/vms/a/vm.json', freeBytes: 0 });
    expect(logDiskWarning('a', st)).toBe(`vmdesk: warning: a: ${st.message}\n`);
  });

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [256 * 1024, '256 KiB'],
    [5 * 1024 * 1024 * 1024, '5 GiB'],
  ])('formatBytes(%d) = %s', (n, s) => expect(formatBytes(n)).toBe(s));
});

describe('the timeline message of a QMP BLOCK_IO_ERROR', () => {
  it.each([
    [{ device: 'vmdesk-disk0', operation: 'write', action: 'stop', nospace: true }, 'disk I/O error on vmdesk-disk0 (write, no space left); QEMU action: stop'],
    [{ device: '', 'node-name': '#block123', operation: 'read', action: 'report', nospace: false, reason: 'Input/output error' }, 'disk I/O error on #block123 (read, Input/output error); QEMU action: report'],
    [{ 'node-name': '#block9', operation: 'write', action: 'ignore' }, 'disk I/O error on #block9 (write); QEMU action: ignore'],
  ])('%j', (data, message) => expect(qmpEventMessage('BLOCK_IO_ERROR', data)).toBe(message));
});
