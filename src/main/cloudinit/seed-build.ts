// Writes a VM's NoCloud seed at start: the generated key pair when the task brings no keys (ssh-key.ts), the
// seed files (seed-files.ts, pure) in <VM dir>/cloud-init/, then the ISO with genisoimage or xorriso, spawned
// with an argv (no shell), written next to its place and renamed in, so QEMU never opens half an ISO.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { VmdeskError } from '../../shared/errors';
import type { PlannedCloudInit } from '../../shared/plan';
import { seedFiles, type SeedFiles } from './seed-files';
import { seedToolArgs } from './seed-tool';
import { ensureVmKey } from './ssh-key';

const execFileAsync = promisify(execFile);

/** Builds the seed ISO at `ci.seed` for VM `vmName` in `vmDir`; returns the files written and the instance-id. */
export async function buildSeed(ci: PlannedCloudInit, vmName: string, vmDir: string): Promise<SeedFiles> {
  const keys = ci.authorizedKeys ?? [await ensureVmKey(vmDir, vmName)];
  const seed = seedFiles({
    vmName,
    ...(ci.userData !== undefined ? { userData: ci.userData } : {}),
    ...(ci.metaData !== undefined ? { metaData: ci.metaData } : {}),
    ...(ci.networkConfig !== undefined ? { networkConfig: ci.networkConfig } : {}),
    hostname: ci.hostname,
    sshUser: ci.sshUser,
    authorizedKeys: keys,
  });
  await writeSeedIso(ci.tool, ci.seed, seed.files);
  return seed;
}

/** Writes `files` into a fresh directory beside `output` and builds the ISO from them with `tool`. */
export async function writeSeedIso(tool: PlannedCloudInit['tool'], output: string, files: Record<string, string>): Promise<void> {
  const dir = join(dirname(output), 'files');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o600 });
  const part = `${output}.part`;
  rmSync(part, { force: true });
  try {
    await execFileAsync(tool.path, seedToolArgs(tool.name, part, Object.keys(files)), { cwd: dir, timeout: 60_000 });
  } catch (err) {
    rmSync(part, { force: true });
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    throw new VmdeskError('START_FAILED', `cloud_init: ${tool.name} could not build the seed ISO: ${(e.stderr || e.message).trim().slice(0, 2000)}`);
  }
  chmodSync(part, 0o600); // the seed may hold secrets the user-data carries
  renameSync(part, output);
}
