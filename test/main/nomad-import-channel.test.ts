// The importJob and pickJobFile channels of the built main process (FAKE electron; the import itself is real):
// a dry run lists every qemu task with its diagnostics and writes nothing; a selection of tasks imports just
// those, all or nothing; a name that exists is an error; the picked job file is read by main, size-limited.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchMain, type MainHarness } from '../helpers/app-harness';
import { fakeControl } from '../helpers/fake-electron';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'nomad');
const lab = join(fixtures, 'group-network.nomad.hcl');
let h: MainHarness;
beforeAll(async () => {
  h = await launchMain();
});
afterAll(async () => {
  await h?.close();
});

describe('importJob / pickJobFile', () => {
  it('pickJobFile returns the picked file text; a cancelled dialog gives null; a directory is refused', async () => {
    expect(await h.invoke('pickJobFile')).toEqual({ ok: true, value: null });
    fakeControl.openDialogResult = { canceled: false, filePaths: [lab] };
    const picked = await h.invoke('pickJobFile');
    expect(picked).toMatchObject({ ok: true, value: { name: 'group-network.nomad.hcl', text: expect.stringContaining('job "lab"') } });
    fakeControl.openDialogResult = { canceled: false, filePaths: [fixtures] };
    expect(await h.invoke('pickJobFile')).toMatchObject({ ok: false, error: { code: 'IMPORT_FAILED', message: expect.stringContaining('not a regular file') } });
  });

  it('a dry run lists both qemu tasks of a job with line numbers, and writes nothing', async () => {
    fakeControl.openDialogResult = { canceled: false, filePaths: [lab] };
    const picked = await h.invoke('pickJobFile');
    if (!picked.ok || !picked.value) throw new Error('pick failed');
    const r = await h.invoke('importJob', { text: picked.value.text, dryRun: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ ok: true, vms: [], job: { name: 'lab', format: 'hcl' } });
    expect(r.value.found).toEqual([
      { name: 'frontend', group: 'web', nomadTask: 'frontend', valid: true },
      { name: 'backend', group: 'web', nomadTask: 'backend', valid: true },
    ]);
    expect(r.value.diagnostics).toContainEqual(expect.objectContaining({ kind: 'artifact', task: 'frontend', line: 59 }));
    expect(r.value.diagnostics).toContainEqual(expect.objectContaining({ kind: 'non-qemu-task', task: 'novnc', line: 47 }));
    expect(existsSync(join(h.home, 'tasks', 'frontend'))).toBe(false);
  });

  it('imports only the chosen task; importing it again is refused as existing', async () => {
    const text = readFileSync(lab, 'utf8');
    const r = await h.invoke('importJob', { text, tasks: ['web/frontend'] });
    expect(r).toMatchObject({ ok: true, value: { ok: true, vms: ['frontend'], found: [{ name: 'frontend', valid: true }] } });
    expect(readdirSync(join(h.home, 'tasks')).sort()).toEqual(['frontend']);
    expect(await h.invoke('inspectVm', { name: 'frontend' })).toMatchObject({ ok: true, value: { state: 'defined' } });
    const again = await h.invoke('importJob', { text, tasks: ['frontend', 'backend'] });
    expect(again).toMatchObject({ ok: true, value: { ok: false, vms: [] } });
    if (again.ok) {
      expect(again.value.found).toEqual([expect.objectContaining({ name: 'frontend', valid: false }), expect.objectContaining({ name: 'backend', valid: true })]);
      expect(again.value.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', kind: 'exists', task: 'frontend' }));
    }
    expect(readdirSync(join(h.home, 'tasks')).sort()).toEqual(['frontend']);
  });

  it('invalid HCL (a trailing comma) is an error with line and column, nothing written', async () => {
    const text = readFileSync(join(fixtures, 'trailing-comma.hcl'), 'utf8');
    const r = await h.invoke('importJob', { text });
    expect(r).toMatchObject({ ok: true, value: { ok: false, vms: [], found: [], diagnostics: [expect.objectContaining({ severity: 'error', kind: 'syntax', line: 9, column: 18 })] } });
    expect(readdirSync(join(h.home, 'tasks')).sort()).toEqual(['frontend']);
  });

  it('a task name that is not in the job is an error naming the qemu tasks there', async () => {
    const file = join(h.home, 'j.hcl');
    writeFileSync(file, 'job "j" {\n  group "g" {\n    task "t" {\n      driver = "qemu"\n      config {\n        image_path = "t.qcow2"\n      }\n    }\n  }\n}\n');
    const text = readFileSync(file, 'utf8');
    const r = await h.invoke('importJob', { text, tasks: ['nope'], dryRun: true });
    expect(r).toMatchObject({ ok: true, value: { ok: false, diagnostics: [expect.objectContaining({ kind: 'not-found', message: expect.stringContaining('qemu tasks are: g/t') })] } });
  });
});
