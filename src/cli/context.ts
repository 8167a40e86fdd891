// What the VM commands share: a supervisor for $VMDESK_HOME, plus (re-exported) argument parsing, error output and
// JSON output from args.ts.
import { vmdeskHome } from '../main/store/paths';
import { createSupervisor } from '../main/supervisor/supervisor';
import type { SupervisorApi } from '../main/supervisor/api';

export * from './args';

/** A supervisor for this process ($VMDESK_HOME, settings.json's driver config or --driver-config). */
export function openSupervisor(opts: { driverConfigFile?: string | undefined } = {}): SupervisorApi {
  const home = vmdeskHome();
  return createSupervisor({
    home,
    // Read (and its schema loaded) only when a VM is started: ls, inspect and stop never need it.
    driverConfig: async () => (await import('../main/store/settings-file')).loadDriverConfig({ home, ...(opts.driverConfigFile ? { file: opts.driverConfigFile } : {}) }),
  });
}

/** Runs `fn` with a supervisor and always detaches it (VMs keep running). */
export async function withSupervisor<T>(fn: (sup: SupervisorApi) => Promise<T>, opts: { driverConfigFile?: string | undefined } = {}): Promise<T> {
  const sup = openSupervisor(opts);
  try {
    return await fn(sup);
  } finally {
    await sup.close();
  }
}
