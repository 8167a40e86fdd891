// The per-VM SSH key pair vmdesk generates when a cloud_init task brings no keys of its own: ed25519, made by
// the system ssh-keygen (argv, no shell), in <VM dir>/ssh/ (0700; the private key 0600), kept across runs.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VmdeskError } from '../../shared/errors';

const execFileAsync = promisify(execFile);

/** Where VM `vmDir`'s generated key pair lives (private key; the public key is `<key>.pub`). Pure. */
export function vmKeyFile(vmDir: string): string {
  return join(vmDir, 'ssh', 'id_ed25519');
}

/** The known_hosts file `vmdesk ssh` uses for this VM (never the user's own). Pure. */
export function vmKnownHostsFile(vmDir: string): string {
  return join(vmDir, 'ssh', 'known_hosts');
}

/** Returns the VM's public key line, generating the pair first when it is missing. */
export async function ensureVmKey(vmDir: string, vmName: string, sshKeygen = 'ssh-keygen'): Promise<string> {
  const key = vmKeyFile(vmDir);
  if (!existsSync(key) || !existsSync(`${key}.pub`)) {
    mkdirSync(join(vmDir, 'ssh'), { recursive: true, mode: 0o700 });
    chmodSync(join(vmDir, 'ssh'), 0o700);
    rmSync(key, { force: true });
    rmSync(`${key}.pub`, { force: true });
    try {
      await execFileAsync(sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', `vmdesk-${vmName}`, '-f', key], { timeout: 60_000 });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      const why = e.code === 'ENOENT' ? 'ssh-keygen was not found on PATH; install openssh-client (sudo apt-get install openssh-client)' : (e.stderr || e.message).trim();
      throw new VmdeskError('START_FAILED', `cloud_init: could not generate the VM's SSH key: ${why}`);
    }
  }
  chmodSync(key, 0o600); // ssh refuses a private key others can read
  return readFileSync(`${key}.pub`, 'utf8').trim();
}
