// Nomad service checks imported as `vmdesk test` checks (issue #16): http -> http, tcp -> port, script -> agent,
// from HCL (task- and group-level services) and API JSON; other types and unmapped ports are reported.
import { describe, expect, it } from 'vitest';
import { importJobText } from '../../src/main/nomad/import-job';
import { mapServiceCheck, uniqueCheckName } from '../../src/main/nomad/map-checks';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';

const opts = {
  outDir: '/srv/vms',
  home: '/nonexistent/vmdesk-home',
  driverConfig: DEFAULT_DRIVER_CONFIG,
  allocId: () => '11111111-2222-3333-4444-555555555555',
  pickHostPort: () => 24000,
};

const hcl = `job "web" {
  group "g" {
    network {
      port "http" { to = 80 }
    }
    service {
      name = "web"
      port = "http"
      check {
        name     = "web up"
        type     = "http"
        path     = "/health"
        interval = "10s"
        timeout  = "2s"
      }
      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }
    task "vm" {
      driver = "qemu"
      config {
        image_path = "web.qcow2"
        port_map { http = 80 }
      }
      service {
        name = "agent"
        check {
          name     = "nginx active"
          type     = "script"
          command  = "/bin/systemctl"
          args     = ["is-active", "nginx"]
          interval = "10s"
          timeout  = "5s"
        }
        check {
          name     = "grpc"
          type     = "grpc"
          port     = "http"
          interval = "10s"
          timeout  = "5s"
        }
      }
    }
  }
}
`;

describe('Nomad service checks -> vmdesk test checks', () => {
  it('maps http, tcp and script checks from HCL (task and group services) and reports the rest', async () => {
    const r = await importJobText(hcl, opts);
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    const task = r.tasks[0]!.task;
    expect(task.checks).toEqual([
      { name: 'nginx active', agent: { command: ['/bin/systemctl', 'is-active', 'nginx'] } },
      { name: 'web up', http: { port: 'http', path: '/health' } },
      { name: 'service check', port: 'http' },
    ]);
    const checkDiags = r.diagnostics.filter((d) => d.kind === 'check');
    expect(checkDiags.filter((d) => d.severity === 'info')).toHaveLength(3);
    expect(checkDiags.find((d) => d.severity === 'warning')?.message).toBe('check "grpc" (grpc): not carried over: type "grpc" has no vmdesk equivalent (http, tcp and script do)');
  });

  it('maps the API JSON form', async () => {
    const job = {
      Job: {
        ID: 'web',
        Name: 'web',
        TaskGroups: [
          {
            Name: 'g',
            Networks: [{ DynamicPorts: [{ Label: 'http', To: 80 }] }],
            Tasks: [
              {
                Name: 'vm',
                Driver: 'qemu',
                Config: { image_path: 'web.qcow2', port_map: [{ http: 80 }] },
                Services: [{ Name: 'web', PortLabel: 'http', Checks: [{ Name: 'web up', Type: 'http', Path: '/', Method: 'HEAD' }, { Name: 'open', Type: 'tcp' }] }],
              },
            ],
          },
        ],
      },
    };
    const r = await importJobText(JSON.stringify(job), opts);
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    expect(r.tasks[0]!.task.checks).toEqual([
      { name: 'web up', http: { port: 'http', path: '/', method: 'HEAD' } },
      { name: 'open', port: 'http' },
    ]);
  });

  it('refuses checks on ports the task does not map, and keeps names unique', () => {
    expect(mapServiceCheck({ type: 'http', port: 'admin', path: '/' }, 'x', ['http'])).toEqual({ ok: false, reason: 'its port "admin" is not in the task\'s port_map (http)' });
    expect(mapServiceCheck({ type: 'tcp' }, 'x', ['http'])).toEqual({ ok: false, reason: 'it names no port' });
    expect(mapServiceCheck({ type: 'script' }, 'x', [])).toEqual({ ok: false, reason: 'it has no command' });
    const taken = new Set<string>();
    expect([uniqueCheckName('a', 'f', taken), uniqueCheckName('a', 'f', taken), uniqueCheckName(undefined, 'f', taken)]).toEqual(['a', 'a (2)', 'f']);
  });
});
