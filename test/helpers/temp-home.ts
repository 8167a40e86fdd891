// A throw-away $VMDESK_HOME and a short $VMDESK_RUNTIME_DIR (socket paths must stay under 108 bytes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary vmdesk home and runtime dir, with the env a child `vmdesk` process needs. */
export interface TempHome {
  home: string;
  runtimeDir: string;
  env: NodeJS.ProcessEnv;
  /** Removes both directories. */
  remove(): void;
}

/** Creates a fresh temp home (under the OS temp dir) and runtime dir (under /tmp, short). */
export function makeTempHome(): TempHome {
  const home = mkdtempSync(join(tmpdir(), 'vmdesk-home-'));
  const runtimeDir = mkdtempSync('/tmp/vd-');
  return {
    home,
    runtimeDir,
    env: { ...process.env, VMDESK_HOME: home, VMDESK_RUNTIME_DIR: runtimeDir },
    remove() {
      rmSync(home, { recursive: true, force: true });
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
}
