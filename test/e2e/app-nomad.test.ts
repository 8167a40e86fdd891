// Nomad in the app, end to end through the UI: the built renderer in Debian's Chromium, the real built preload
// bridged to the real main process (FAKE electron: its dialogs and its FAKE safeStorage). Import uses job files
// from test/fixtures/nomad/ (a job with invalid HCL, a lab job with two qemu VMs); submit goes to
// the FAKE Nomad HTTP API of test/helpers/fake-nomad-server.ts, as a Nomad cluster cannot run here.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, waitFor, type AppHarness } from '../helpers/app-harness';
import { fakeControl } from '../helpers/fake-electron';
import { startFakeNomad, type FakeNomad } from '../helpers/fake-nomad-server';

const JOBS = fileURLToPath(new URL('../fixtures/nomad/', import.meta.url));
const TOKEN = 'fake-nomad-acl-token-7d1c';
let h: AppHarness;
let nomad: FakeNomad;

beforeAll(async () => {
  nomad = await startFakeNomad({ token: TOKEN });
  h = await launchApp();
});
afterAll(async () => {
  await h?.close();
  await nomad?.close();
});

/** A local TCP port that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const byId = (id: string) => h.page.getByTestId(id);
const textOf = async (id: string) => (await byId(id).textContent()) ?? '';

describe('Nomad import, export and submit in the app', () => {
  it('a job with invalid HCL (picked in the native dialog) shows the error at line:column; nothing can be imported', async () => {
    await byId('empty-import').click();
    await byId('import-dialog').waitFor();
    fakeControl.openDialogResult = { canceled: false, filePaths: [join(JOBS, 'trailing-comma.hcl')] };
    await byId('pick-job').click();
    await expect.poll(() => textOf('job-file-name')).toBe('trailing-comma.hcl');
    const diag = h.page.locator('[data-testid=job-diagnostics] [data-testid=diagnostic]');
    await expect.poll(() => diag.first().textContent(), { timeout: 30_000 }).toContain('line 9:18');
    expect(await diag.first().getAttribute('data-severity')).toBe('error');
    expect(await diag.first().textContent()).toMatch(/invalid HCL: Unexpected comma after argument/);
    expect(await byId('import-chosen').isDisabled()).toBe(true);
    await h.screenshot('import-dialog-error');
  });

  it('a pasted job with two qemu tasks (two-vm-lab.hcl) lists both with their diagnostics; only the chosen one becomes a VM', async () => {
    await byId('job-text').fill(readFileSync(join(JOBS, 'two-vm-lab.hcl'), 'utf8'));
    expect(await textOf('job-file-name')).toBe('or paste it below');
    await byId('check-job').click();
    await byId('found-web-vm').waitFor({ timeout: 30_000 });
    await byId('found-db-vm').waitFor();
    // Each task's own diagnostics, with the job file's lines: the artifact to fetch, cpu not applicable.
    expect(await textOf('found-web-vm')).toMatch(/line 20.*artifact http:\/\/images\.lab\.internal:8000\/.*debian-12-web/);
    expect(await textOf('found-web-vm')).toMatch(/line 15.*resources\.cpu = 8000/);
    expect(await textOf('found-db-vm')).toMatch(/line 48.*artifact/);
    expect(await textOf('job-diagnostics')).toMatch(/line 10.*service "web-vm"/);
    expect(await byId('choose-web-vm').isChecked()).toBe(true);
    expect(await byId('choose-db-vm').isChecked()).toBe(true);
    expect(await textOf('import-chosen')).toBe('Create 2 VMs');
    await byId('choose-db-vm').uncheck();
    expect(await textOf('import-chosen')).toBe('Create 1 VM');
    await byId('job-text').evaluate((el) => el.scrollTo(0, 0)); // show the job's start, as after opening a file
    await h.screenshot('import-dialog');
    // The dry run wrote nothing.
    expect(existsSync(join(h.home, 'tasks', 'web-vm'))).toBe(false);

    await byId('import-chosen').click();
    await byId('vm-view').waitFor();
    expect(await h.page.locator('.vm-head h1').textContent()).toBe('web-vm');
    // Defined, never started: not "stopped".
    expect(await h.page.locator('.vm-head [data-testid=state-badge]').getAttribute('data-state')).toBe('defined');
    expect(await textOf('vm-list')).toContain('web-vm');
    expect(await textOf('vm-list')).not.toContain('db-vm');
    const file = JSON.parse(readFileSync(join(h.home, 'tasks', 'web-vm', 'web-vm.json'), 'utf8'));
    expect(file).toMatchObject({ name: 'web-vm', config: { image_path: 'local/web-vm.qcow2', accelerator: 'kvm', drive_interface: 'virtio' }, resources: { memory: 4096 } });
    expect(existsSync(join(h.home, 'tasks', 'db-vm'))).toBe(false);
  });

  it('exports the VM as a Nomad job in HCL and JSON, refuses a bad artifact URL, and saves through the native dialog', async () => {
    await byId('action-nomad').click();
    await byId('nomad-dialog').waitFor();
    await expect.poll(() => textOf('export-text'), { timeout: 30_000 }).toContain('job "web-vm"');
    expect(await textOf("export-text")).toMatch(/driver\s*=\s*"qemu"/);
    await h.screenshot('nomad-export');
    await byId('export-artifact').fill('not a url');
    await expect.poll(() => textOf('export-error')).toMatch(/artifact URL Nomad understands/);
    await byId('export-artifact').fill('https://images.example.test/web.qcow2');
    await expect.poll(() => byId('export-error').count()).toBe(0);
    await h.page.locator('.segment', { hasText: 'API JSON' }).click();
    expect(await byId('export-format-json').isChecked()).toBe(true);
    await expect.poll(async () => (await textOf('export-text')).trimStart().startsWith('{')).toBe(true);
    const shown = JSON.parse(await textOf('export-text'));
    expect(shown.Job).toMatchObject({ ID: 'web-vm' });
    expect(JSON.stringify(shown)).toContain('https://images.example.test/web.qcow2');
    const target = join(h.home, 'web-vm.nomad.json');
    fakeControl.saveDialogResult = { canceled: false, filePath: target };
    await byId('export-save').click();
    await expect.poll(() => textOf('export-saved')).toBe(`Saved to ${target}`);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual(shown);
  });

  it('submits to a FAKE Nomad: a wrong token shows Nomad\'s 403; the right one shows progress until running and is kept only sealed', async () => {
    fakeControl.encryptionAvailable = true; // the FAKE keyring
    await byId('nomad-tab-submit').click();
    // Nothing listens on a port just freed: the network error as Node reports it.
    const closed = await closedPort();
    await byId('nomad-address').fill(`http://127.0.0.1:${closed}`);
    await byId('nomad-submit').click();
    await expect.poll(() => textOf('nomad-error'), { timeout: 30_000 }).toMatch(new RegExp(`cannot reach Nomad at http://127\\.0\\.0\\.1:${closed}.*ECONNREFUSED`));
    await byId('nomad-address').fill(nomad.address);
    await byId('nomad-namespace').fill('dev');
    await byId('nomad-token').fill('wrong-token');
    await byId('nomad-submit').click();
    await expect.poll(() => textOf('nomad-error'), { timeout: 30_000 }).toMatch(/403/);
    expect(await textOf('nomad-error')).toMatch(/Permission denied/);
    expect(await textOf('nomad-error')).not.toContain('wrong-token');

    await byId('nomad-token').fill(TOKEN);
    await byId('nomad-remember').check();
    await byId('nomad-submit').click();
    await expect.poll(() => byId('nomad-result').getAttribute('data-outcome'), { timeout: 60_000 }).toBe('running');
    const eventList = () => h.page.locator('[data-testid=nomad-event]').allTextContents();
    await expect.poll(async () => (await eventList()).join('\n')).toMatch(/web-vm is running/);
    const events = await eventList();
    expect(events[0]).toMatch(/^Registered job web-vm/);
    expect(events.join('\n')).toMatch(/Allocation \w+ running on fake-node/);
    expect(events.join('\n')).toMatch(/web-vm: Started — Task started by client/);
    expect(await textOf('nomad-result')).toMatch(/Running on Nomad: job web-vm/);
    await h.screenshot('nomad-submit');
    const posted = nomad.requests.filter((r) => r.method === 'POST' && r.path === '/v1/jobs');
    expect(posted.at(-1)).toMatchObject({ token: TOKEN, query: { namespace: 'dev' } });

    const settings = readFileSync(join(h.home, 'settings.json'), 'utf8');
    expect(settings).not.toContain(TOKEN);
    expect(JSON.parse(settings).nomad).toMatchObject({ address: nomad.address, namespace: 'dev', token_sealed: expect.any(String) });
  });

  it('a task that the (FAKE) Nomad cannot start shows the failure and the driver\'s message', async () => {
    // The FAKE Nomad fails the task of a job whose ID is "broken" (a driver failure), as Nomad reports it.
    expect(await h.invoke('saveTask', { task: { name: 'broken', config: { image_path: 'broken.qcow2' } } })).toMatchObject({ ok: true });
    await h.page.keyboard.press('Escape');
    await h.page.locator('[data-testid=vm-item][data-name=broken] .vm-item-main').click();
    await byId('action-nomad').click();
    await byId('nomad-tab-submit').click();
    await byId('nomad-token').fill(TOKEN);
    await byId('nomad-submit').click();
    await expect.poll(() => byId('nomad-result').getAttribute('data-outcome'), { timeout: 60_000 }).toBe('failed');
    expect(await textOf('nomad-result')).toMatch(/did not start: task "broken" failed: Driver Failure: .*image_path is not in the allowed paths/);
    await h.page.keyboard.press('Escape');
    await h.page.locator('[data-testid=vm-item][data-name=web-vm] .vm-item-main').click();
  });

  it('next time the saved token is used without being shown; with no keyring the UI says the token is not saved', async () => {
    await h.page.keyboard.press('Escape');
    await byId('action-nomad').click();
    await byId('nomad-tab-submit').click();
    await byId('nomad-token-saved').waitFor();
    expect(await byId('nomad-address').inputValue()).toBe(nomad.address);
    expect(await byId('nomad-token').inputValue()).toBe('');
    const before = nomad.requests.length;
    await byId('nomad-submit').click();
    await expect.poll(() => byId('nomad-result').getAttribute('data-outcome'), { timeout: 60_000 }).toBe('running');
    expect(nomad.requests.slice(before).every((r) => r.token === TOKEN)).toBe(true);

    fakeControl.encryptionAvailable = false;
    await h.page.keyboard.press('Escape');
    await byId('action-nomad').click();
    await byId('nomad-tab-submit').click();
    await expect.poll(() => textOf('nomad-no-keyring')).toMatch(/no keyring.*not saved/);
    expect(await byId('nomad-remember').count()).toBe(0);
    // (A meta-tag CSP cannot carry frame-ancestors; Chromium says so once. The header sent for http(s) loads does.)
    expect(h.pageErrors.filter((e) => !e.includes("'frame-ancestors' is ignored"))).toEqual([]);
    await waitFor('the dialog to close', async () => {
      await h.page.keyboard.press('Escape');
      return (await byId('nomad-dialog').count()) === 0;
    });
  });
});
