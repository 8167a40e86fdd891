// Export: the job parses with the same HCL2 parser, and import(export(task)) gives back the same task.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportJob, toApiJson, toHcl } from '../../src/main/nomad/export-job';
import { parseHcl } from '../../src/main/nomad/hcl';
import { importJobText } from '../../src/main/nomad/import-job';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { parseTask, taskToFile, type Task } from '../../src/shared/task';

const driverConfig = { ...DEFAULT_DRIVER_CONFIG, image_paths: ['/images'] };

function task(input: unknown): Task {
  const r = parseTask(input);
  if (!r.ok) throw new Error(r.message);
  return r.task;
}

async function roundTrip(t: Task, format: 'hcl' | 'json', artifactUrl?: string): Promise<Task> {
  const job = exportJob(t, artifactUrl ? { artifactUrl } : {});
  const text = format === 'hcl' ? toHcl(job, 'test') : JSON.stringify(toApiJson(job));
  const r = await importJobText(text, { outDir: '/srv/vms', home: '/nonexistent', driverConfig });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${JSON.stringify(errors)}\n${text}`);
  expect(r.tasks).toHaveLength(1);
  return r.tasks[0]!.task;
}

const full = task({
  name: 'web',
  config: {
    image_path: '/images/web.qcow2',
    emulator: 'aarch64',
    machine_type: 'virt',
    accelerator: 'tcg',
    drive_interface: 'virtio',
    graceful_shutdown: true,
    guest_agent: true,
    args: ['-nodefaults', '-fw_cfg', 'name=opt/x,string=a "quoted" \\ back${HOME}%{x}$${y}', 'line\nbreak\ttab\u0007bell', 'ünïcødé ✓'],
    port_map: { http: 80, ssh: 22 },
  },
  resources: { memory: 512, cores: 4 },
  ports: { http: 8080, ssh: 0, spare: 9999 },
  dns: { servers: ['1.1.1.1', '9.9.9.9'], searches: ['lab.local', 'example.org'] },
  kill_timeout: '1m30s',
  disposable: true,
});
const minimal = task({ name: 'tiny', config: { image_path: 'tiny.img' } });

describe('export', () => {
  it('says that a task\'s console check is not in the exported job (no silent drop)', () => {
    const checked = task({ name: 'chk', config: { image_path: 'tiny.img' }, checks: [{ name: 'boots', console: 'login:' }] });
    expect(exportJob(checked).notes).toContainEqual('checks "boots" (console) are vmdesk test\'s own: Nomad has no check for them, so they are not in the exported job');
    expect(exportJob(minimal).notes.some((n) => n.startsWith('checks'))).toBe(false);
  });

  it('writes HCL that HashiCorp\'s parser reads, with the forwards as group ports and explicit netdev args', async () => {
    const job = exportJob(full);
    const hcl = toHcl(job, 'header line');
    const doc = await parseHcl(hcl);
    const body = (doc.job as Record<string, Array<Record<string, unknown>>>).web![0]!;
    const group = (body.group as Record<string, Array<Record<string, unknown>>>).web![0]!;
    expect(group.network).toEqual([
      {
        mode: 'host',
        port: { http: [{ static: 8080, to: 80 }], ssh: [{ to: 22 }], spare: [{ static: 9999 }] },
        dns: [{ servers: ['1.1.1.1', '9.9.9.9'], searches: ['lab.local', 'example.org'] }],
      },
    ]);
    const t = (group.task as Record<string, Array<Record<string, unknown>>>).web![0]!;
    const config = (t.config as Array<Record<string, unknown>>)[0]!;
    expect((config.args as string[]).slice(-6)).toEqual([
      '-netdev',
      'user,id=vmdesk-net0,hostfwd=tcp:${NOMAD_IP_http}:${NOMAD_HOST_PORT_http}-:80,hostfwd=udp:${NOMAD_IP_http}:${NOMAD_HOST_PORT_http}-:80,hostfwd=tcp:${NOMAD_IP_ssh}:${NOMAD_HOST_PORT_ssh}-:22,hostfwd=udp:${NOMAD_IP_ssh}:${NOMAD_HOST_PORT_ssh}-:22,dnssearch=lab.local,dnssearch=example.org',
      '-device',
      'virtio-net,netdev=vmdesk-net0',
      '-smp',
      '4',
    ]);
    expect(t.kill_timeout).toBe('1m30s');
    expect(t.resources).toEqual([{ memory: 512, cores: 4 }]);
    expect(t.meta).toEqual([{ vmdesk_disposable: 'true' }]);
    expect(config).not.toHaveProperty('port_map');
  });

  it('import(export(task)) gives back the same task, HCL and API JSON', async () => {
    for (const t of [full, minimal]) {
      expect(await roundTrip(t, 'hcl')).toEqual(t);
      expect(await roundTrip(t, 'json')).toEqual(t);
    }
  });

  it('ships the image as an artifact when given its URL; the image then lives in local/', async () => {
    const job = exportJob(full, { artifactUrl: 'https://images.example.com/web.qcow2' });
    expect(job.artifact).toEqual({ source: 'https://images.example.com/web.qcow2', destination: 'local/web.qcow2', mode: 'file' });
    const back = await roundTrip(full, 'hcl', 'https://images.example.com/web.qcow2');
    // Import carries the artifact block back as the task option `artifacts`.
    expect(back).toEqual({ ...full, config: { ...full.config, image_path: 'local/web.qcow2' }, artifacts: [{ source: 'https://images.example.com/web.qcow2', destination: 'local/web.qcow2', mode: 'file', archive: true, headers: {} }] });
    const archive = exportJob(full, { artifactUrl: 'https://images.example.com/web.tar.gz' });
    expect(archive.artifact).toEqual({ source: 'https://images.example.com/web.tar.gz', destination: 'local' });
    expect(toApiJson(archive).Job).toMatchObject({
      TaskGroups: [{ Tasks: [{ Artifacts: [{ GetterSource: 'https://images.example.com/web.tar.gz', RelativeDest: 'local' }], KillTimeout: 90_000_000_000 }] }],
    });
  });

  it('writes the task\'s artifacts back as artifact blocks (options, headers) and imports them again', async () => {
    const withArtifacts = task({
      ...(taskToFile(full) as Record<string, unknown>),
      artifacts: [
        { source: 'https://images.example.com/web.qcow2.xz', destination: 'local/', options: { checksum: `sha256:${'a'.repeat(64)}` }, headers: { 'X-Token': 'abc' } },
        { source: 'https://images.example.com/seed.iso', destination: 'local/seed.iso', mode: 'file', options: { archive: false } },
      ],
    });
    for (const format of ['hcl', 'json'] as const) {
      const back = await roundTrip(withArtifacts, format);
      expect(back.artifacts).toEqual(withArtifacts.artifacts);
    }
    expect(toHcl(exportJob(withArtifacts), 't')).toMatch(/artifact \{\n\s+source\s+= "https:\/\/images.example.com\/web.qcow2.xz"[\s\S]*options \{\n\s+checksum = "sha256:a{64}"[\s\S]*headers \{\n\s+X-Token = "abc"/);
  });

  it('round-trips arbitrary tasks (property)', async () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
    const arb = fc.record({
      args: fc.array(fc.string({ unit: fc.constantFrom('a', '$', '{', '}', '%', '"', '\\', '\n', ' ', '-', ',', 'é') , maxLength: 12 }).filter((s) => !s.includes('\0')), { maxLength: 5 }),
      ports: fc.dictionary(label, fc.oneof(fc.constant(0), fc.integer({ min: 1024, max: 65535 })), { maxKeys: 4 }),
      guest: fc.integer({ min: 1, max: 65535 }),
      memory: fc.integer({ min: 128, max: 65536 }),
      cores: fc.integer({ min: 1, max: 16 }),
      kill: fc.integer({ min: 0, max: 3600 }),
      disposable: fc.boolean(),
      graceful: fc.boolean(),
      display: fc.constantFrom<'none' | 'vnc'>('none', 'vnc'),
    });
    await fc.assert(
      fc.asyncProperty(arb, fc.constantFrom<'hcl' | 'json'>('hcl', 'json'), async (a, format) => {
        const hosts = Object.entries(a.ports).filter(([, p]) => p !== 0).map(([, p]) => p);
        fc.pre(new Set(hosts).size === hosts.length);
        const labels = Object.keys(a.ports);
        const t = task({
          name: 'prop',
          config: { image_path: 'disk.qcow2', args: a.args, graceful_shutdown: a.graceful, port_map: Object.fromEntries(labels.slice(0, 2).map((l) => [l, a.guest])) },
          resources: { memory: a.memory, cores: a.cores },
          ports: a.ports,
          kill_timeout: `${a.kill}s`,
          disposable: a.disposable,
          display: a.display,
        });
        expect(await roundTrip(t, format)).toEqual(t);
      }),
      { numRuns: 60 },
    );
  });
});
