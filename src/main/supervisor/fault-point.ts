// Crash points for the lifecycle tests: with VMDESK_TEST_KILL_AT=<point> in its environment, a vmdesk process
// SIGKILLs itself when its start reaches that point, exactly as `kill -9` would at that moment. Unset (always,
// outside those tests), it does nothing. Points: before-spawn (the record is written, QEMU not yet spawned),
// after-spawn (QEMU runs, its pid is not yet recorded), after-pid (the pid is recorded, QMP not yet reached).

/** The points a start can be killed at. */
export type FaultPoint = 'before-spawn' | 'after-spawn' | 'after-pid';

/** SIGKILLs this process when VMDESK_TEST_KILL_AT names `point`. */
export function faultPoint(point: FaultPoint, env: NodeJS.ProcessEnv = process.env): void {
  if (env.VMDESK_TEST_KILL_AT === point) process.kill(process.pid, 'SIGKILL');
}
