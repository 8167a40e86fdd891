// Service checks through the app, end to end in Debian's Chromium (the built renderer, the real built preload
// bridged to the real main process; FAKE electron): a pasted Nomad job whose service has http, tcp and script
// checks imports with its checks carried over, and the VM's Nomad export writes the http/tcp checks back as a
// service block (HCL and API JSON) and says why the script (agent) check is not there (issue #16).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type AppHarness } from '../helpers/app-harness';

let h: AppHarness;

beforeAll(async () => {
  h = await launchApp();
});
afterAll(async () => {
  await h?.close();
});

const byId = (id: string) => h.page.getByTestId(id);
const textOf = async (id: string) => (await byId(id).textContent()) ?? '';

const job = `job "shop" {
  group "g" {
    network {
      port "http" { to = 80 }
    }
    task "shop-vm" {
      driver = "qemu"
      config {
        image_path = "local/shop.qcow2"
        port_map { http = 80 }
      }
      service {
        name = "shop"
        port = "http"
        check {
          name     = "front page"
          type     = "http"
          path     = "/"
          interval = "10s"
          timeout  = "2s"
        }
        check {
          name     = "shop port"
          type     = "tcp"
          interval = "10s"
          timeout  = "2s"
        }
        check {
          name     = "nginx active"
          type     = "script"
          command  = "/bin/systemctl"
          args     = ["is-active", "nginx"]
          interval = "10s"
          timeout  = "5s"
        }
      }
    }
  }
}
`;

describe('Nomad service checks in the app', () => {
  it('imports a job\'s checks, and exports the http/tcp ones back as a service with a note for the script one', async () => {
    await byId('empty-import').click();
    await byId('import-dialog').waitFor();
    await byId('job-text').fill(job);
    await byId('check-job').click();
    await byId('found-shop-vm').waitFor({ timeout: 30_000 });
    const diagnostics = await textOf('found-shop-vm');
    expect(diagnostics).toMatch(/check "front page" \(http\) is carried over as a vmdesk test check/);
    expect(diagnostics).toMatch(/check "nginx active" \(script\) is carried over/);
    await byId('import-chosen').click();
    await byId('vm-view').waitFor();
    const file = JSON.parse(readFileSync(join(h.home, 'tasks', 'shop-vm', 'shop-vm.json'), 'utf8'));
    expect(file.checks).toEqual([
      { name: 'front page', http: { port: 'http', path: '/' } },
      { name: 'shop port', port: 'http' },
      { name: 'nginx active', agent: { command: ['/bin/systemctl', 'is-active', 'nginx'] } },
    ]);

    await byId('action-nomad').click();
    await byId('nomad-dialog').waitFor();
    await expect.poll(() => textOf('export-text'), { timeout: 30_000 }).toContain('job "shop-vm"');
    const hcl = await textOf('export-text');
    expect(hcl).toMatch(/service \{\s+name\s+= "shop-vm-http"\s+port\s+= "http"\s+provider = "nomad"/);
    expect(hcl).toMatch(/check \{\s+name\s+= "front page"\s+type\s+= "http"\s+path\s+= "\/"\s+interval = "10s"\s+timeout\s+= "5s"/);
    expect(hcl).toMatch(/check \{\s+name\s+= "shop port"\s+type\s+= "tcp"/);
    expect(hcl).not.toContain('nginx');
    expect(await textOf('export-notes')).toContain('agent check "nginx active" is not exported: Nomad runs a script check through the task driver\'s exec, and the qemu driver has none');
    // Show the service block at the top of the text.
    await byId('export-text').evaluate((el) => {
      const line = (el.textContent ?? '').split('\n').findIndex((l) => l.includes('service {'));
      const height = parseFloat(getComputedStyle(el).lineHeight) || 17;
      el.scrollTo(0, Math.max(0, (line - 1) * height));
    });
    await h.screenshot('nomad-export-checks');

    await h.page.locator('.segment', { hasText: 'API JSON' }).click();
    await expect.poll(async () => (await textOf('export-text')).trimStart().startsWith('{')).toBe(true);
    const shown = JSON.parse(await textOf('export-text'));
    expect(shown.Job.TaskGroups[0].Tasks[0].Services).toEqual([
      {
        Name: 'shop-vm-http',
        PortLabel: 'http',
        Provider: 'nomad',
        Checks: [
          { Name: 'front page', Type: 'http', Path: '/', Interval: 10_000_000_000, Timeout: 5_000_000_000 },
          { Name: 'shop port', Type: 'tcp', Interval: 10_000_000_000, Timeout: 5_000_000_000 },
        ],
      },
    ]);
  });
});
