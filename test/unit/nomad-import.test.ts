// Import of Nomad jobs written for these tests (test/fixtures/nomad): HCL2 through HashiCorp's parser, API JSON.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importIdentity, importJobText, type ImportResult } from '../../src/main/nomad/import-job';
import type { Diagnostic } from '../../src/main/nomad/diagnostics';
import { DEFAULT_DRIVER_CONFIG, type DriverConfig } from '../../src/shared/driver-config';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/nomad/${name}`, import.meta.url), 'utf8');

async function importFixture(name: string, extra: { only?: string; driverConfig?: DriverConfig } = {}): Promise<ImportResult> {
  let port = 24000;
  return importJobText(fixture(name), {
    outDir: '/srv/vms',
    home: '/nonexistent/vmdesk-home',
    driverConfig: extra.driverConfig ?? DEFAULT_DRIVER_CONFIG,
    allocId: () => '11111111-2222-3333-4444-555555555555',
    pickHostPort: () => port++,
    ...(extra.only ? { only: extra.only } : {}),
  });
}

const find = (r: ImportResult, pred: (d: Diagnostic) => boolean) => r.diagnostics.filter(pred);
const task = (r: ImportResult, name: string) => {
  const t = r.tasks.find((x) => x.name === name);
  if (!t) throw new Error(`no task ${name} in ${r.tasks.map((x) => x.name).join(', ')}`);
  return t.task;
};

describe('import: group network, several qemu tasks, diagnostics', () => {
  it('imports both qemu tasks and skips the docker one with a diagnostic', async () => {
    const r = await importFixture('group-network.nomad.hcl');
    expect(r.ok).toBe(true);
    expect(r.tasks.map((t) => t.name)).toEqual(['frontend', 'backend']);
    expect(r.tasks.map((t) => t.taskFile).sort()).toEqual(['/srv/vms/backend/backend.json', '/srv/vms/frontend/frontend.json']);
    expect(find(r, (d) => d.kind === 'non-qemu-task')).toMatchObject([{ task: 'novnc', line: 47 }]);
  });

  it('maps static and dynamic ports with `to`, and port_map (block form), to ports and port_map', async () => {
    const r = await importFixture('group-network.nomad.hcl');
    const fe = task(r, 'frontend');
    expect(fe.ports).toEqual({ http: 8080, ssh: 0, metrics: 0 });
    expect(fe.config.port_map).toEqual({ http: 80, ssh: 22, metrics: 9100 });
    // The sidecar's port and the port only the other VM names are not given to this VM.
    expect(find(r, (d) => d.task === 'frontend' && d.kind === 'port' && /"novnc" belongs to another task/.test(d.message))).toHaveLength(1);
    expect(find(r, (d) => d.task === 'frontend' && /"api" belongs to another task/.test(d.message))).toHaveLength(1);
    expect(find(r, (d) => d.task === 'frontend' && /ignores port_map for group network ports/.test(d.message))).toMatchObject([{ line: 23 }]);
  });

  it('maps every qemu config key, memory, cores, kill_timeout and DNS; cpu is not applicable', async () => {
    const r = await importFixture('group-network.nomad.hcl');
    const fe = task(r, 'frontend');
    expect(fe.config).toMatchObject({
      image_path: 'local/frontend.qcow2',
      accelerator: 'tcg',
      graceful_shutdown: true,
      guest_agent: true,
      drive_interface: 'virtio',
      machine_type: 'q35',
      emulator: 'x86_64',
    });
    expect(fe.resources).toEqual({ memory: 512, cores: 2 });
    expect(fe.kill_timeout_ms).toBe(45_000);
    expect(fe.dns).toEqual({ servers: ['1.1.1.1', '9.9.9.9'], searches: ['lab.local'] });
    expect(find(r, (d) => d.task === 'frontend' && d.kind === 'not-applicable')).toMatchObject([{ line: 97, message: expect.stringMatching(/resources\.cpu = 500/) }]);
    expect(find(r, (d) => d.task === 'frontend' && d.kind === 'dns')).toMatchObject([{ line: 28, message: expect.stringMatching(/ndots:2/) }]);
  });

  it('resolves Nomad interpolations to local meanings and reports the rest', async () => {
    const r = await importFixture('group-network.nomad.hcl');
    const args = task(r, 'frontend').config.args;
    expect(args).toEqual([
      '-name',
      'frontend-11111111-2222-3333-4444-555555555555',
      '-m',
      '512M',
      '-fw_cfg',
      // NOMAD_PORT_<label> is `to` when the port has one (as Nomad sets it); NOMAD_HOST_PORT_<label> the host port.
      'name=opt/port,string=80/8080',
      '-fw_cfg',
      'name=opt/dirs,string=/srv/vms/frontend/local:/srv/vms/frontend/alloc',
      '-smbios',
      'type=1,serial=${VMNAME}',
      '-fw_cfg',
      // An escaped $${...} is a literal ${...}.
      'name=opt/literal,string=${NOMAD_TASK_NAME}',
    ]);
    expect(find(r, (d) => d.kind === 'interpolation' && d.severity === 'warning')).toMatchObject([
      { task: 'frontend', line: 85, message: '${VMNAME} in config.args has no local value; kept as written' },
    ]);
  });

  it('gives a dynamic port named in args a fixed host port and binds hand-written hostfwd rules to 127.0.0.1', async () => {
    const r = await importFixture('group-network.nomad.hcl');
    const be = task(r, 'backend');
    expect(be.ports).toEqual({ api: 24000 });
    expect(be.config.args).toEqual(['-device', 'e1000,netdev=n0', '-netdev', 'user,id=n0,hostfwd=tcp:127.0.0.1:24000-:9000']);
    expect(find(r, (d) => d.task === 'backend' && /fixed it to host port 24000/.test(d.message))).toHaveLength(1);
  });

  it('reports artifacts with their URL and leaves image_path where the artifact lands; templates, services, checks, constraints, unknown keys, one each with its line', async () => {
    const r = await importFixture('group-network.nomad.hcl');
    expect(find(r, (d) => d.kind === 'artifact')).toEqual([
      expect.objectContaining({
        task: 'frontend',
        line: 59,
        source: 'https://images.example.com/frontend.qcow2',
        // The fixture's checksum is too short to be a sha256: the artifact is left out and reported.
        message: expect.stringContaining('a sha256 digest is 64 hex digits; vmdesk cannot fetch it: fetch it into local/frontend.qcow2 by hand'),
      }),
    ]);
    expect(task(r, 'frontend').config.image_path).toBe('local/frontend.qcow2');
    expect(find(r, (d) => d.kind === 'template')).toMatchObject([{ task: 'frontend', line: 68, message: expect.stringContaining('local/index.html') }]);
    expect(find(r, (d) => d.kind === 'service')).toMatchObject([{ line: 35 }]);
    expect(find(r, (d) => d.kind === 'check')).toMatchObject([{ line: 39 }]);
    expect(find(r, (d) => d.kind === 'constraint')).toMatchObject([{ line: 6 }]);
    expect(find(r, (d) => d.kind === 'unknown-key').map((d) => [d.line, d.message.split(':')[0]])).toEqual([
      [91, 'config.ports'],
      [92, 'config.vnc'],
    ]);
    // The image of the task without an artifact is not there yet: a warning, not an error.
    expect(find(r, (d) => d.kind === 'image')).toMatchObject([{ task: 'backend', severity: 'warning' }]);
  });

  it('imports one task with --task', async () => {
    const r = await importFixture('group-network.nomad.hcl', { only: 'web/backend' });
    expect(r.tasks.map((t) => t.name)).toEqual(['backend']);
    const missing = await importFixture('group-network.nomad.hcl', { only: 'nope' });
    expect(missing.ok).toBe(false);
    expect(missing.diagnostics.at(-1)).toMatchObject({ severity: 'error', message: expect.stringContaining('qemu tasks are: web/frontend, web/backend') });
  });
});

describe('import: task-level network and port_map forms', () => {
  it('maps a task-level network with port_map as a map attribute', async () => {
    const r = await importFixture('task-network.hcl');
    expect(r.ok).toBe(true);
    const vm = task(r, 'vm');
    expect(vm.ports).toEqual({ ssh: 0, web: 8088 });
    expect(vm.config.port_map).toEqual({ ssh: 22, web: 80 });
    expect(vm.resources.memory).toBe(256);
    // Task-level networks are what Nomad's qemu driver itself forwards: no "Nomad ignores this" note.
    expect(find(r, (d) => /ignores port_map/.test(d.message))).toEqual([]);
  });

  it('maps port_map written as a list of maps', async () => {
    const r = await importFixture('port-map-list.hcl');
    expect(r.ok).toBe(true);
    const vm = task(r, 'vm');
    expect(vm.ports).toEqual({ http: 18080, ssh: 12222 });
    expect(vm.config.port_map).toEqual({ http: 80, ssh: 22 });
  });
});

describe('import: invalid HCL and refused tasks', () => {
  it('reports a trailing comma with its line and column', async () => {
    const r = await importFixture('trailing-comma.hcl');
    expect(r.ok).toBe(false);
    expect(r.tasks).toEqual([]);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', kind: 'syntax', line: 9, column: 18, message: expect.stringContaining('Unexpected comma after argument') }),
    ]);
  });

  it('reports a missing brace with the line of the unclosed block', async () => {
    const r = await importFixture('missing-brace.hcl');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', kind: 'syntax', line: 1, column: 11, message: expect.stringContaining('Unclosed configuration block') });
  });

  it('refuses an image outside the task directory and image_paths, as Nomad does', async () => {
    const r = await importFixture('image-outside.hcl');
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', kind: 'image', line: 7, message: expect.stringMatching(/^image_path is not in the allowed paths: \/etc\/shadow/) }),
    ]);
    // Allowed once the operator lists the directory in image_paths.
    const allowed = await importFixture('image-outside.hcl', { driverConfig: { ...DEFAULT_DRIVER_CONFIG, image_paths: ['/etc'] } });
    expect(allowed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('refuses a port_map label that no network declares, with Nomad\'s phrase', async () => {
    const text = fixture('port-map-list.hcl').replace('{ ssh = 22 }', '{ ssh = 22 }, { dns = 53 }');
    const r = await importJobText(text, { outDir: '/srv/vms', home: '/nonexistent', driverConfig: DEFAULT_DRIVER_CONFIG });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.find((d) => d.severity === 'error')?.message).toMatch(/^Unknown port label "dns"/);
  });

  it('turns a schema error into a diagnostic with the line of the field', async () => {
    const text = fixture('task-network.hcl').replace('memory = 256', 'memory = 64');
    const r = await importJobText(text, { outDir: '/srv/vms', home: '/nonexistent', driverConfig: DEFAULT_DRIVER_CONFIG });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.find((d) => d.severity === 'error')).toMatchObject({ line: 11, message: expect.stringContaining('QEMU memory assignment out of bounds') });
  });

  it('says so when the job has no qemu task', async () => {
    const r = await importJobText('job "x" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n    }\n  }\n}\n', {
      outDir: '/srv/vms',
      home: '/nonexistent',
      driverConfig: DEFAULT_DRIVER_CONFIG,
    });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.kind)).toEqual(['non-qemu-task', 'no-qemu-task']);
  });
});

describe('import: Nomad API JSON', () => {
  it('reads {"Job": {...}} with ReservedPorts/DynamicPorts, port_map as a list of maps, KillTimeout in ns', async () => {
    const r = await importFixture('api-job.json');
    expect(r.ok).toBe(true);
    expect(r.job).toEqual({ name: 'apivm', format: 'json' });
    const vm = task(r, 'vm');
    expect(vm.ports).toEqual({ http: 18081, ssh: 0 });
    // port_map wins over `to` for http (with a warning); ssh takes its `to`.
    expect(vm.config.port_map).toEqual({ http: 8000, ssh: 22 });
    expect(find(r, (d) => /port_map says guest port 8000 but "to" says 80/.test(d.message))).toHaveLength(1);
    expect(vm.kill_timeout_ms).toBe(20_000);
    expect(vm.resources).toEqual({ memory: 384, cores: 1 });
    expect(vm.config.args).toEqual(['-m', '384M']);
    expect(vm.dns).toEqual({ servers: ['8.8.8.8'], searches: ['example.org'] });
    expect(vm.disposable).toBe(true);
    expect(vm.config.graceful_shutdown).toBe(true);
  });

  it('reports API JSON items with their JSON path', async () => {
    const r = await importFixture('api-job.json');
    // A valid artifact is carried over as the task option `artifacts` (fetched at start), not reported.
    expect(find(r, (d) => d.kind === 'artifact')).toEqual([]);
    expect(r.tasks[0]!.task.artifacts).toEqual([{ source: 'https://images.example.com/api.qcow2', destination: 'local/api.qcow2', mode: 'file', archive: true, headers: {} }]);
    expect(find(r, (d) => d.kind === 'template')).toMatchObject([{ path: 'Job.TaskGroups[0].Tasks[0].Templates[0]' }]);
    expect(find(r, (d) => d.kind === 'service')).toMatchObject([{ path: 'Job.TaskGroups[0].Services[0]' }]);
    expect(find(r, (d) => d.kind === 'check')).toMatchObject([{ path: 'Job.TaskGroups[0].Services[0].Checks[0]' }]);
    expect(find(r, (d) => d.kind === 'non-qemu-task')).toMatchObject([{ task: 'sidecar' }]);
    expect(find(r, (d) => d.kind === 'unsupported' && /meta "owner"/.test(d.message))).toHaveLength(1);
  });

  it('reads a bare job object', async () => {
    const r = await importFixture('api-bare.json');
    expect(r.ok).toBe(true);
    expect(task(r, 'vm').kill_timeout_ms).toBe(1500);
  });

  it('reports invalid JSON with line and column', async () => {
    const r = await importJobText('{\n  "Job": {\n    "ID": "x",\n  }\n}\n', { outDir: '/srv', home: '/nonexistent', driverConfig: DEFAULT_DRIVER_CONFIG });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ kind: 'syntax', line: 4, message: expect.stringContaining('invalid JSON') });
  });
});

describe('import: the driver validation with the image in place', () => {
  it('plans a task whose image is present, refuses a symlink out of the task directory, and applies args_allowlist', async () => {
    const { mkdtemp, mkdir, writeFile, symlink, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { execFileSync } = await import('node:child_process');
    const root = await mkdtemp(join(tmpdir(), 'vmdesk-nomad-'));
    try {
      const vmDir = join(root, 'vm');
      await mkdir(join(vmDir, 'local'), { recursive: true });
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(vmDir, 'local', 'legacy.qcow2'), '16M']);
      const opts = { outDir: root, home: join(root, 'home'), driverConfig: DEFAULT_DRIVER_CONFIG };
      const good = await importJobText(fixture('task-network.hcl'), opts);
      expect(good.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(good.ok).toBe(true);

      // The same name pointing outside the allowed places: refused by the driver's real-path check.
      await writeFile(join(root, 'outside.qcow2'), '');
      await rm(join(vmDir, 'local', 'legacy.qcow2'));
      await symlink(join(root, 'outside.qcow2'), join(vmDir, 'local', 'legacy.qcow2'));
      const escaped = await importJobText(fixture('task-network.hcl'), opts);
      expect(escaped.ok).toBe(false);
      expect(escaped.diagnostics.find((d) => d.severity === 'error')).toMatchObject({ kind: 'image', line: 8, message: expect.stringContaining('image_path is not in the allowed paths') });

      const strict = await importJobText(fixture('group-network.nomad.hcl'), { ...opts, only: 'frontend', driverConfig: { ...DEFAULT_DRIVER_CONFIG, args_allowlist: ['-name', '-m'] } });
      expect(strict.ok).toBe(false);
      expect(strict.diagnostics.find((d) => d.severity === 'error')?.message).toBe('"-fw_cfg" is not in args_allowlist');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('import: host facts when the image is not there yet', () => {
  it('warns (not fails) when this host lacks KVM or the emulator, as the fingerprint says', async () => {
    const { fingerprintHost, hostFacts } = await import('../../src/main/driver/fingerprint');
    const host = hostFacts(await fingerprintHost());
    const text = fixture('port-map-list.hcl').replace('image_path = "local/listy.qcow2"', 'image_path = "local/listy.qcow2"\n        accelerator = "kvm"\n        emulator = "riscv64"');
    const r = await importJobText(text, { outDir: '/srv/vms', home: '/nonexistent', driverConfig: DEFAULT_DRIVER_CONFIG });
    expect(r.ok).toBe(true);
    const hostWarnings = r.diagnostics.filter((d) => d.kind === 'host');
    expect(hostWarnings.every((d) => d.severity === 'warning')).toBe(true);
    expect(hostWarnings.some((d) => /accelerator "kvm" is not usable/.test(d.message))).toBe(!host.kvmUsable);
    expect(hostWarnings.some((d) => /qemu-system-riscv64 was not found/.test(d.message))).toBe(host.emulators.riscv64 === undefined);
  });
});

describe('import identity (NOMAD_ALLOC_ID and host ports)', () => {
  it('is the same on Check as on Create, and differs for another job or selection', async () => {
    const text = fixture('group-network.nomad.hcl');
    const opts = { outDir: '/srv/vms', home: '/nonexistent', driverConfig: DEFAULT_DRIVER_CONFIG, hostCheck: false };
    const args = (r: ImportResult) => r.tasks.map((t) => ({ args: t.task.config.args, ports: t.task.ports }));
    const check = await importJobText(text, opts);
    const create = await importJobText(text, opts);
    expect(check.tasks.length).toBeGreaterThan(0);
    expect(args(create)).toEqual(args(check));
    const id = /-name\u0000[^\u0000]*-([0-9a-f-]{36})/.exec(check.tasks[0]!.task.config.args.join('\u0000'))?.[1];
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(check.diagnostics.map((d) => d.message).join('\n')).toContain(`NOMAD_ALLOC_ID = ${id}`);
    const other = importIdentity(`${text}\n`, undefined);
    expect(other.allocId()).not.toBe(id);
    expect(importIdentity(text, ['web']).allocId()).not.toBe(importIdentity(text, undefined).allocId());
    const ports = importIdentity(text, undefined);
    const picked = Array.from({ length: 50 }, () => ports.pickHostPort());
    expect(new Set(picked).size).toBe(50);
    expect(picked.every((p) => p >= 20000 && p < 32000)).toBe(true);
  });
});
