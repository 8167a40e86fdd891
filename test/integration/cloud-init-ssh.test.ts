// cloud_init on a real distribution guest (test/guest/build-cloud-guest.mjs: Debian bookworm with systemd,
// cloud-init and OpenSSH; the first build takes 3 to 15 minutes, then it is cached in ~/.cache/vmdesk/cloud-guest):
// vmdesk builds the seed, cloud-init runs from it (hostname, runcmd marker on the console), and `vmdesk ssh NAME
// -- uname -a` logs in with the generated key through the forwarded port. A broken user-data is refused before
// the start, with its line. One boot (about a minute under TCG, longer on a loaded machine).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk } from '../helpers/cli';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';
import type { VmInfo } from '../../src/shared/vm';
import { testReportSchema } from '../../src/shared/test-report';
// @ts-expect-error: a plain .mjs script without types
import { cloudGuestDir } from '../guest/build-cloud-guest.mjs';

vi.setConfig({ testTimeout: 1_200_000, hookTimeout: 1_200_000 });

const MARKER = 'VMDESK-CLOUD-RUNCMD-7f3a';
const guest = (cloudGuestDir as () => { dir: string })().dir;
let t: TempHome;

function taskFile(name: string, cloudInit: Record<string, unknown>): string {
  const path = join(t.home, `${name}.task.json`);
  writeFileSync(
    path,
    JSON.stringify({
      name,
      config: {
        image_path: join(guest, 'disk.qcow2'),
        drive_interface: 'virtio',
        args: ['-kernel', join(guest, 'vmlinuz'), '-initrd', join(guest, 'initrd.img'), '-append', 'root=/dev/vda console=ttyS0 rw'],
        port_map: { ssh: 22 },
        cloud_init: cloudInit,
      },
      resources: { memory: 1024, cores: 2 },
      ports: { ssh: 0 },
      disposable: true,
    }),
  );
  return path;
}

beforeAll(() => {
  // scripts/test.mjs builds it before the tests; a lone run of this file builds it here.
  if (!existsSync(join(guest, 'guest.json'))) {
    const r = spawnSync(process.execPath, ['test/guest/build-cloud-guest.mjs'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('the cloud guest build failed (test/guest/build-cloud-guest.mjs)');
  }
  t = makeTempHome();
  trackDir(t.runtimeDir);
  writeFileSync(join(t.home, 'settings.json'), JSON.stringify({ driver: { image_paths: [guest] } }));
});

afterAll(async () => {
  try {
    if (t) await vmdesk(['stop', 'cloud', '--force'], t.env, 120_000).catch(() => undefined);
  } finally {
    killTracked();
    t?.remove();
  }
});

describe('cloud_init on a real Debian guest', () => {
  it('a broken user-data file is refused before the start, with its line', async () => {
    writeFileSync(join(t.home, 'broken.yaml'), '#cloud-config\nruncmd:\n  - echo ok\n  bad: [unclosed\n');
    const r = await vmdesk(['start', taskFile('broken', { user_data: { file: 'broken.yaml' } })], t.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cloud_init\.user_data \(.*broken\.yaml\): broken YAML at line 4/);
    expect(existsSync(join(t.home, 'vms', 'broken'))).toBe(false);
  });

  it('boots with the seed: hostname, runcmd on the console, vmdesk ssh with the generated key', async () => {
    const task = taskFile('cloud', {
      hostname: 'vmdesk-cloudbox',
      user_data: `#cloud-config\nruncmd:\n  - echo ${MARKER} > /dev/ttyS0\n`,
    });
    const plan = await vmdesk(['plan', task, '--json'], t.env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(json<{ hardware: { cloudInit: { tool: string } } }>(plan).hardware.cloudInit.tool).toBe('genisoimage');

    const started = await vmdesk(['start', task, '--json'], t.env);
    expect(started.code, started.stderr).toBe(0);
    const vm = json<{ vm: VmInfo }>(await vmdesk(['inspect', 'cloud', '--json'], t.env)).vm;
    trackPid(vm.pid);
    expect(vm.ssh).toMatchObject({ user: 'vmdesk', label: 'ssh', host: '127.0.0.1', keyFile: join(t.home, 'vms', 'cloud', 'ssh', 'id_ed25519') });
    expect(vm.ssh?.port).toBe(vm.ports.find((p) => p.label === 'ssh')?.host);

    const consoleLog = join(t.home, 'vms', 'cloud', 'console.log');
    const text = () => (existsSync(consoleLog) ? readFileSync(consoleLog, 'latin1') : '');
    await waitFor('cloud-init to finish (in the console log)', () => /Cloud-init v\. \S+ finished at .*DataSourceNoCloud/.test(text()), 900_000, 1_000);
    expect(text()).toContain(MARKER);
    expect(text()).toMatch(/vmdesk-cloudbox login:|root@vmdesk-cloudbox/);

    // sshd may start a moment after cloud-init's final stage has written the key: retry until it answers.
    let last = { code: -1, stdout: '', stderr: '' };
    await waitFor(
      'vmdesk ssh cloud -- uname -a',
      async () => {
        last = await vmdesk(['ssh', 'cloud', '--', 'uname', '-a', ';', 'hostname'], t.env, 120_000);
        return last.code === 0;
      },
      300_000,
      3_000,
    ).catch(() => {
      throw new Error(`ssh never worked: exit ${last.code}: ${last.stderr}`);
    });
    expect(last.stdout).toMatch(/^Linux vmdesk-cloudbox .* x86_64 GNU\/Linux\nvmdesk-cloudbox\n$/);
    expect(existsSync(join(t.home, 'vms', 'cloud', 'ssh', 'known_hosts'))).toBe(true);

    const printed = await vmdesk(['ssh', 'cloud', '--print'], t.env);
    expect(printed.stdout).toMatch(new RegExp(`^ssh -i \\S+id_ed25519 -o IdentitiesOnly=yes -p ${vm.ssh!.port} .* vmdesk@127\\.0\\.0\\.1\\n$`));

    // Stopped: ssh says so (and how to fix it); the key stays for the next run.
    const stopped = await vmdesk(['stop', 'cloud', '--force'], t.env, 120_000);
    expect(stopped.code, stopped.stderr).toBe(0);
    const refused = await vmdesk(['ssh', 'cloud', '--', 'true'], t.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^vmdesk ssh: cloud is not running \(state exited\); start it first/);
    expect(existsSync(join(t.home, 'vms', 'cloud', 'ssh', 'id_ed25519'))).toBe(true);
    const unknown = await vmdesk(['ssh', 'nosuch'], t.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nosuch/);
  });

  it('vmdesk test runs an ssh check over the VM\'s generated key: cloud-init done, then a command over ssh', async () => {
    const task = taskFile('cloudtest', { hostname: 'vmdesk-checked' });
    const spec = join(t.home, 'cloudtest.checks.json');
    writeFileSync(
      spec,
      JSON.stringify({
        checks: [
          { name: 'cloud-init done', console: 'Cloud-init v\\. \\S+ finished', timeout: '900s' },
          { name: 'hostname over ssh', ssh: { command: ['hostname'], stdout: '^vmdesk-checked$' }, timeout: '300s' },
        ],
      }),
    );
    const results = join(t.home, 'cloudtest-results');
    const r = await vmdesk(['test', task, '--spec', spec, '--results', results], t.env, 1_200_000);
    expect(r.code, r.stderr).toBe(0);
    const report = testReportSchema.parse(JSON.parse(readFileSync(join(results, 'report.json'), 'utf8')));
    expect(report.runs[0]!.checks.map((c) => [c.name, c.kind, c.status])).toEqual([
      ['cloud-init done', 'console', 'passed'],
      ['hostname over ssh', 'ssh', 'passed'],
    ]);
    // The disposable test VM is gone afterwards.
    const ls = json<{ vms: Array<{ name: string; state: string }> }>(await vmdesk(['ls', '--json'], t.env));
    expect(ls.vms.filter((v) => v.name.startsWith('cloudtest') && v.state === 'running')).toEqual([]);
  });
});
