// The SSH tab's decisions (pure): whether a terminal can be opened at all for a VM, and the session's status.
import type { VmInfo } from '../../../shared/vm';

/** Where the SSH tab's session is. */
export type SshStatus = { kind: 'connecting' } | { kind: 'open' } | { kind: 'ended'; message: string; retry: boolean };

/**
 * Why the SSH tab cannot open a terminal for `vm` (shown instead of one), or undefined when it can try. The
 * main process checks again before it runs ssh (and refuses a missing key with `vmdesk ssh`'s words). Pure.
 */
export function sshTabStatus(vm: VmInfo): string | undefined {
  if (!vm.ssh) {
    return vm.lastExit || vm.state !== 'defined'
      ? `${vm.name} has no cloud_init block, so vmdesk did not set up SSH for it: add a Cloud-init section (and a port map "ssh" → guest 22) in Edit, then start it.`
      : `${vm.name} has not run yet: start it, and the SSH terminal logs in once cloud-init has set up the key.`;
  }
  if (vm.state !== 'running') return `${vm.name} is not running (${vm.state}): start it, wait for cloud-init to finish, then open the SSH terminal.`;
  if (vm.ssh.port === undefined) {
    return `${vm.name} has no host port for the "${vm.ssh.label}" label, so there is nothing to connect to: add a port map "${vm.ssh.label}" → guest 22 (host port automatic) in Edit and restart it.`;
  }
  return undefined;
}
