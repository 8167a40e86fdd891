// Export of `vmdesk test` checks as Nomad services (issue #16): http/port checks become http/tcp service checks
// on their port labels, in HCL and API JSON, and import(export(task)) keeps them; agent checks stay a note (the
// qemu driver cannot exec a script check), and so do console/ssh/screen/shutdown.
import { describe, expect, it } from 'vitest';
import { exportChecks, serviceName } from '../../src/main/nomad/export-checks';
import { exportJob, toApiJson, toHcl } from '../../src/main/nomad/export-job';
import { parseHcl } from '../../src/main/nomad/hcl';
import { importJobText } from '../../src/main/nomad/import-job';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { parseTask, type Task } from '../../src/shared/task';

function task(input: unknown): Task {
  const r = parseTask(input);
  if (!r.ok) throw new Error(r.message);
  return r.task;
}

const web = task({
  name: 'web_vm',
  config: { image_path: 'web.qcow2', port_map: { http: 80, admin: 8443 } },
  ports: { http: 0, admin: 9443 },
  checks: [
    { name: 'front page', http: { port: 'http', path: '/' } },
    { name: 'health', http: { port: 'http', path: '/health?deep=1', method: 'HEAD' } },
    { name: 'web port', port: 'http', timeout: '3m' },
    { name: 'admin port', port: 'admin' },
  ],
});

async function importedChecks(text: string): Promise<Task['checks']> {
  const r = await importJobText(text, { outDir: '/srv/vms', home: '/nonexistent', driverConfig: DEFAULT_DRIVER_CONFIG });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${JSON.stringify(errors)}\n${text}`);
  return r.tasks[0]!.task.checks;
}

describe('checks -> Nomad services', () => {
  it('one service per port label (provider nomad), http and tcp checks with path, method, interval, timeout', () => {
    const { services, notes } = exportChecks(web);
    expect(notes).toEqual([]);
    expect(services).toEqual([
      {
        name: 'web-vm-http',
        port: 'http',
        checks: [
          { name: 'front page', type: 'http', path: '/', intervalMs: 10_000, timeoutMs: 5_000 },
          { name: 'health', type: 'http', path: '/health?deep=1', method: 'HEAD', intervalMs: 10_000, timeoutMs: 5_000 },
          { name: 'web port', type: 'tcp', intervalMs: 10_000, timeoutMs: 5_000 },
        ],
      },
      { name: 'web-vm-admin', port: 'admin', checks: [{ name: 'admin port', type: 'tcp', intervalMs: 10_000, timeoutMs: 5_000 }] },
    ]);
  });

  it('writes service blocks that HashiCorp\'s HCL grammar reads, and the API JSON form', async () => {
    const job = exportJob(web);
    const hcl = toHcl(job, 'test');
    await expect(parseHcl(hcl)).resolves.toBeDefined();
    expect(hcl).toMatch(/service \{\n\s+name\s+= "web-vm-http"\n\s+port\s+= "http"\n\s+provider = "nomad"\n\n\s+check \{\n\s+name\s+= "front page"\n\s+type\s+= "http"\n\s+path\s+= "\/"\n\s+interval = "10s"\n\s+timeout\s+= "5s"/);
    const api = toApiJson(job).Job as { TaskGroups: Array<{ Tasks: Array<{ Services: unknown[] }> }> };
    expect(api.TaskGroups[0]!.Tasks[0]!.Services[0]).toEqual({
      Name: 'web-vm-http',
      PortLabel: 'http',
      Provider: 'nomad',
      Checks: [
        { Name: 'front page', Type: 'http', Path: '/', Interval: 10_000_000_000, Timeout: 5_000_000_000 },
        { Name: 'health', Type: 'http', Path: '/health?deep=1', Method: 'HEAD', Interval: 10_000_000_000, Timeout: 5_000_000_000 },
        { Name: 'web port', Type: 'tcp', Interval: 10_000_000_000, Timeout: 5_000_000_000 },
      ],
    });
  });

  it('import(export(task)) keeps the http and port checks, from HCL and from API JSON', async () => {
    // vmdesk's own whole-check timeout is not a Nomad field; the rest comes back as written.
    const want = web.checks!.map(({ timeout: _timeout, ...c }) => c);
    const job = exportJob(web);
    expect(await importedChecks(toHcl(job, 'test'))).toEqual(want);
    expect(await importedChecks(JSON.stringify(toApiJson(job)))).toEqual(want);
  });

  it('keeps agent checks as a note (no exec in the qemu driver), and console/ssh/screen/shutdown too', () => {
    const t = task({
      name: 'mixed',
      config: { image_path: 'a.img', port_map: { http: 80 } },
      ports: { http: 8080 },
      checks: [
        { name: 'boots', console: 'login:' },
        { name: 'nginx', agent: { command: ['/bin/systemctl', 'is-active', 'nginx'] } },
        { name: 'says ok', http: { port: 'http', path: '/', status: 503, body: 'ok', headers: { 'content-type': 'json' } } },
        { name: 'stops', shutdown: true },
      ],
    });
    const { services, notes } = exportChecks(t);
    expect(services.map((s) => s.checks.map((c) => c.name))).toEqual([['says ok']]);
    expect(notes).toEqual([
      'agent check "nginx" is not exported: Nomad runs a script check through the task driver\'s exec, and the qemu driver has none (nomad alloc exec: false); it stays a vmdesk test check',
      'http check "says ok" is exported without status 503 (Nomad passes on any 2xx), the body pattern, the response header patterns: a Nomad http check cannot check them',
      'checks "boots" (console), "stops" (shutdown) are vmdesk test\'s own: Nomad has no check for them, so they are not in the exported job',
    ]);
    expect(exportJob(t).notes).toEqual(expect.arrayContaining(notes));
  });

  it('makes Nomad service names from the task name and label', () => {
    expect(serviceName('web_vm.1', 'http')).toBe('web-vm-1-http');
    expect(serviceName('A'.repeat(70), 'x')).toHaveLength(63);
    expect(serviceName('_', '_')).toBe('vmdesk');
  });
});
