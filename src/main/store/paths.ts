// Where vmdesk keeps things: $VMDESK_HOME (settings, VM directories) and the private runtime directory
// (sockets). The CLI and the app compute the same paths.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { VmPaths } from '../../shared/plan';

/** vmdesk's home: $VMDESK_HOME, else $XDG_STATE_HOME/vmdesk, else ~/.local/state/vmdesk. */
export function vmdeskHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VMDESK_HOME) return env.VMDESK_HOME;
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'vmdesk');
}

/** The settings file shared by the app (electron-store) and the CLI. */
export function settingsFile(home: string): string {
  return join(home, 'settings.json');
}

/** Directory holding one directory per VM. */
export function vmsDir(home: string): string {
  return join(home, 'vms');
}

/** The directory of VM `name` (its state record, logs, events). Pure. */
export function vmDir(home: string, name: string): string {
  return join(vmsDir(home), name);
}

/** The log of VM `name`: its serial console log, or QEMU's stderr. Read it with readLogRange (it rotates). Pure. */
export function vmLogFile(home: string, name: string, stream: 'console' | 'stderr'): string {
  return join(vmDir(home, name), stream === 'stderr' ? 'qemu.stderr.log' : 'console.log');
}

/**
 * Base of the private runtime directories: $VMDESK_RUNTIME_DIR, else $XDG_RUNTIME_DIR/vmdesk,
 * else /tmp/vmdesk-<uid>. Kept short because unix socket paths are limited to 108 bytes (104 on macOS).
 */
export function runtimeBase(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VMDESK_RUNTIME_DIR) return env.VMDESK_RUNTIME_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'vmdesk');
  return join('/tmp', `vmdesk-${currentUid()}`);
}

/**
 * The numeric uid of this process. Not os.userInfo(): it asks the passwd database, and a uid with no entry
 * there (a container's, a sandbox's) made it throw `uv_os_get_passwd returned ENOENT`.
 */
export function currentUid(): number {
  return process.getuid?.() ?? 0;
}

/** Every path one VM uses. Pure: creates nothing. */
export function vmPaths(
  home: string,
  name: string,
  opts: { disposable: boolean; guestAgent: boolean },
  env: NodeJS.ProcessEnv = process.env,
): VmPaths {
  const dir = vmDir(home, name);
  const runtimeDir = join(runtimeBase(env), name);
  return {
    vmDir: dir,
    runtimeDir,
    qmpSocket: join(runtimeDir, 'qmp.sock'),
    qmpSocket2: join(runtimeDir, 'qmp2.sock'),
    consoleSocket: join(runtimeDir, 'console.sock'),
    ...(opts.guestAgent ? { agentSocket: join(runtimeDir, 'agent.sock') } : {}),
    consoleLog: vmLogFile(home, name, 'console'),
    stderrLog: vmLogFile(home, name, 'stderr'),
    pidFile: join(dir, 'qemu.pid'),
    ...(opts.disposable ? { overlay: join(dir, 'overlay.qcow2') } : {}),
  };
}
