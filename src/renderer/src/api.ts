// The renderer's only door to the rest of the app: `window.api`, exposed by the preload.
import type { IpcResult, VmdeskApi } from '../../shared/ipc-contract';
import type { ErrorData } from '../../shared/errors';

/** The preload's API, or undefined when the page runs without it (opened in a plain browser). */
export function maybeApi(): VmdeskApi | undefined {
  return (window as { api?: VmdeskApi }).api;
}

/** The preload's API; throws when it is missing (the App shows a clear screen before that can happen). */
export function api(): VmdeskApi {
  const a = maybeApi();
  if (!a) throw new Error('window.api is missing: vmdesk’s preload did not run');
  return a;
}

/** Runs an IPC call, turning a rejected promise (a broken bridge) into an error result too. */
export async function call<T>(run: (a: VmdeskApi) => Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  try {
    return await run(api());
  } catch (err) {
    const error: ErrorData = { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
    return { ok: false, error };
  }
}
