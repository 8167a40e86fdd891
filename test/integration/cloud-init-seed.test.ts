// The seed ISO built for real (no guest): genisoimage and xorriso -as mkisofs both give a volume labelled cidata
// holding exactly the seed files (read back with isoinfo), the per-VM key is generated once (0600) and kept
// across runs, and the instance-id follows the content.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSeed, writeSeedIso } from '../../src/main/cloudinit/seed-build';
import { findSeedTool } from '../../src/main/cloudinit/seed-tool';
import type { PlannedCloudInit } from '../../src/shared/plan';

const dir = mkdtempSync(join(tmpdir(), 'vmdesk-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function isoLabel(iso: string): string {
  return /^Volume id: (.*)$/m.exec(execFileSync('isoinfo', ['-d', '-i', iso], { encoding: 'utf8' }))?.[1] ?? '';
}
/** The files on the ISO as Joliet names them (the long names cloud-init reads). */
function isoFiles(iso: string): string[] {
  return execFileSync('isoinfo', ['-J', '-f', '-i', iso], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}
function isoFile(iso: string, name: string): string {
  return execFileSync('isoinfo', ['-J', '-x', `/${name}`, '-i', iso], { encoding: 'utf8' });
}

describe('the seed ISO', () => {
  it.each(['genisoimage', 'xorriso'] as const)('%s: label cidata, exactly the seed files, their content', async (name) => {
    const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    const iso = join(dir, `${name}.iso`);
    await writeSeedIso({ name, path }, iso, { 'user-data': '#cloud-config\n{}\n', 'meta-data': 'instance-id: x\n', 'network-config': 'version: 2\n' });
    expect(isoLabel(iso)).toBe('cidata');
    expect(isoFiles(iso)).toEqual(['/meta-data', '/network-config', '/user-data']);
    expect(isoFile(iso, 'meta-data')).toBe('instance-id: x\n');
    expect(statSync(iso).mode & 0o777).toBe(0o600);
  });

  it('findSeedTool prefers genisoimage and finds nothing on an empty PATH', async () => {
    expect((await findSeedTool(process.env.PATH))?.name).toBe('genisoimage');
    expect(await findSeedTool('/nonexistent')).toBeUndefined();
  });

  it('buildSeed: a generated key (0600, kept across runs) in the user-data; a new instance-id only when the content changes', async () => {
    const vmDir = join(dir, 'vm');
    const tool = (await findSeedTool(process.env.PATH))!;
    const ci: PlannedCloudInit = {
      seed: join(vmDir, 'cloud-init', 'seed.iso'), driveId: 'vmdesk-seed', tool, hostname: 'box1', sshUser: 'vmdesk', sshLabel: 'ssh',
      keyFile: join(vmDir, 'ssh', 'id_ed25519'), knownHosts: join(vmDir, 'ssh', 'known_hosts'),
      userData: '#cloud-config\nruncmd: [echo one]\n',
    };
    const first = await buildSeed(ci, 'vm', vmDir);
    expect(statSync(ci.keyFile!).mode & 0o777).toBe(0o600);
    expect(statSync(join(vmDir, 'ssh')).mode & 0o777).toBe(0o700);
    const pub = readFileSync(`${ci.keyFile!}.pub`, 'utf8').trim();
    expect(pub).toMatch(/^ssh-ed25519 \S+ vmdesk-vm$/);
    const userData = isoFile(ci.seed, 'user-data');
    expect(userData).toContain(pub);
    expect(userData).toContain('runcmd:');
    expect(isoFile(ci.seed, 'meta-data')).toBe(`instance-id: ${first.instanceId}\nlocal-hostname: box1\n`);

    const again = await buildSeed(ci, 'vm', vmDir);
    expect(readFileSync(`${ci.keyFile!}.pub`, 'utf8').trim()).toBe(pub);
    expect(again.instanceId).toBe(first.instanceId);
    const changed = await buildSeed({ ...ci, userData: '#cloud-config\nruncmd: [echo two]\n' }, 'vm', vmDir);
    expect(changed.instanceId).not.toBe(first.instanceId);
    expect(isoFile(ci.seed, 'meta-data')).toContain(changed.instanceId);
  });
});
