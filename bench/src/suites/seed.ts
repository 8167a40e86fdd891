// Seed build time (issue #13): how long a start spends on a cloud_init task's NoCloud seed — the per-VM key
// (ssh-keygen, first start only), the files and the ISO (genisoimage) — measured on the exported buildSeed,
// against genisoimage alone on the same files as the baseline.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSeed } from '../../../src/main/cloudinit/seed-build';
import { findSeedTool, seedToolArgs } from '../../../src/main/cloudinit/seed-tool';
import type { PlannedCloudInit } from '../../../src/shared/plan';
import { nowMs } from '../lib/clock';
import { figure } from '../lib/results';
import type { Suite, SuiteContext, SuiteOutput } from '../suite';

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const tool = await findSeedTool(process.env.PATH);
  if (!tool) return { figures: [], missingReasons: { 'seed.build': 'no genisoimage or xorriso on PATH', 'seed.first': 'no seed tool' } };
  const base = ctx.tempDir('vmdesk-bench-seed');
  const rounds = ctx.quick ? 5 : 20;
  const plan = (vmDir: string): PlannedCloudInit => ({
    seed: join(vmDir, 'cloud-init', 'seed.iso'), driveId: 'vmdesk-seed', tool, hostname: 'bench', sshUser: 'vmdesk', sshLabel: 'ssh',
    keyFile: join(vmDir, 'ssh', 'id_ed25519'), knownHosts: join(vmDir, 'ssh', 'known_hosts'),
    userData: '#cloud-config\nruncmd:\n  - echo hello > /dev/ttyS0\n',
  });
  const first: number[] = [];
  const again: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const vmDir = join(base, `vm${i}`);
    let t = nowMs();
    await buildSeed(plan(vmDir), `vm${i}`, vmDir); // a new VM: generates its key
    first.push(nowMs() - t);
    t = nowMs();
    await buildSeed(plan(vmDir), `vm${i}`, vmDir); // a restart: the key is kept
    again.push(nowMs() - t);
    const rawDir = join(base, `raw${i}`);
    mkdirSync(rawDir);
    writeFileSync(join(rawDir, 'user-data'), '#cloud-config\n');
    writeFileSync(join(rawDir, 'meta-data'), 'instance-id: x\n');
    t = nowMs();
    execFileSync(tool.path, seedToolArgs(tool.name, join(rawDir, 'seed.iso'), ['user-data', 'meta-data']), { cwd: rawDir });
    raw.push(nowMs() - t);
  }
  ctx.log(`seed: ${rounds} rounds with ${tool.name}`);
  return {
    figures: [
      figure({ id: 'seed.build', group: 'cloud-init', title: 'seed ISO at a restart (files + ISO, key kept)', unit: 'ms' }, again, { label: `${tool.name} alone`, samples: raw }),
      figure({ id: 'seed.first', group: 'cloud-init', title: 'seed ISO at the first start (with ssh-keygen)', unit: 'ms' }, first),
    ],
  };
}

/** The seed suite. */
export const seedSuite: Suite = {
  name: 'seed',
  promises: [
    { id: 'seed.build', group: 'cloud-init', title: 'seed ISO at a restart (files + ISO, key kept)' },
    { id: 'seed.first', group: 'cloud-init', title: 'seed ISO at the first start (with ssh-keygen)' },
  ],
  run,
};
