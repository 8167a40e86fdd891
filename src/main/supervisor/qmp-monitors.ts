// A VM's QEMU has two QMP monitors (qmp.sock, qmp2.sock) and each serves one client: while one vmdesk process
// (the app) is attached to one, another (the CLI) uses the other. Both are tried at once; the first to greet wins.
import type { VmPaths } from '../../shared/plan';
import { QmpClient, QmpTimeoutError } from '../qmp/index';

/** The QMP sockets of a VM, primary first (records from older versions have only the primary). */
export function qmpSocketsOf(paths: VmPaths): string[] {
  return [paths.qmpSocket, ...(paths.qmpSocket2 ? [paths.qmpSocket2] : [])];
}

/**
 * Connects to whichever monitor greets first; a later greeting from the other is closed at once. Fails with
 * QmpTimeoutError when a monitor accepted but never greeted (held by another client) and none greeted,
 * otherwise with the primary monitor's error (no socket, refused: QEMU is gone or not ours).
 */
export async function connectAnyMonitor(paths: VmPaths, connectTimeoutMs: number): Promise<QmpClient> {
  const attempts = qmpSocketsOf(paths).map((socket) => QmpClient.connect(socket, { connectTimeoutMs }));
  try {
    const winner = await Promise.any(attempts);
    for (const a of attempts) void a.then((c) => (c === winner ? undefined : c.close()), () => undefined);
    return winner;
  } catch (err) {
    const errors = (err as AggregateError).errors as Error[];
    throw errors.find((e) => e instanceof QmpTimeoutError) ?? errors[0]!;
  }
}
