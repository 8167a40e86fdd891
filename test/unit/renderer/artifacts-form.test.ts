// The task form's artifacts (rows <-> task file), and the words and numbers of a download (header bar, list).
import { describe, expect, it } from 'vitest';
import { parseTask } from '../../../src/shared/task';
import { emptyForm, fieldErrors, fieldToFormField, formToTaskFile, newArtifactRow, taskFileToForm } from '../../../src/renderer/src/lib/task-form';
import { downloadFraction, downloadLine, etaSeconds, sourceName } from '../../../src/renderer/src/lib/download';
import { downloadFromProgress, finishDownload, publicDownload } from '../../../src/main/app/download-state';
import type { Download } from '../../../src/shared/download';

const sha = `sha256:${'a'.repeat(64)}`;

describe('artifacts in the task form', () => {
  it('a task file with artifacts survives a round trip through the form (headers kept) and parses', () => {
    const file = {
      name: 'web',
      config: { image_path: 'local/disk.qcow2' },
      artifacts: [
        { source: 'https://example.test/disk.qcow2.xz', destination: 'local/disk.qcow2', mode: 'file', options: { checksum: sha }, headers: { Authorization: 'Bearer x' } },
        { source: 'https://example.test/seed.tar.gz', destination: 'local/', options: { archive: false } },
      ],
    };
    const form = taskFileToForm(file);
    expect(form.artifacts.map((r) => [r.source, r.mode, r.checksum, r.archive])).toEqual([
      ['https://example.test/disk.qcow2.xz', 'file', sha, true],
      ['https://example.test/seed.tar.gz', 'any', '', false],
    ]);
    const back = formToTaskFile(form);
    expect(back.artifacts).toEqual(file.artifacts);
    expect(parseTask(back).ok).toBe(true);
  });

  it('an empty row is left out; no rows: no artifacts key', () => {
    const form = { ...emptyForm(), name: 'vm', imagePath: 'disk.img', artifacts: [newArtifactRow()] };
    expect(formToTaskFile(form).artifacts).toBeUndefined();
  });

  it("a bad row's error lands on that row, with the schema's message", () => {
    const form = { ...emptyForm(), name: 'vm', imagePath: 'disk.img', artifacts: [newArtifactRow({ source: 'https://ok.test/a.img' }), newArtifactRow({ source: 's3::bucket/x', destination: '../out' })] };
    const r = parseTask(formToTaskFile(form));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(fieldToFormField(r.field)).toBe('artifact:1');
    const errors = fieldErrors(form, parseTask);
    expect(errors['artifact:1']).toMatch(/not supported here|leaves the task directory/);
    expect(errors['artifact:0']).toBeUndefined();
  });
});

const base: Download = { name: 'web', status: 'running', index: 0, count: 1, source: 'https://h.test/img/disk.img?sig=1', phase: 'check', done: 0, startedAt: '2026-01-01T00:00:00Z' };

describe('download state and words', () => {
  it('the rate comes from the bytes of the current phase over its time; a new phase restarts it', () => {
    const a = downloadFromProgress(base, { index: 0, source: base.source, phase: 'download', done: 1000, total: 11_000 }, 10_000);
    expect(a.rate).toBeUndefined();
    const b = downloadFromProgress(a, { index: 0, source: base.source, phase: 'download', done: 3000, total: 11_000 }, 12_000);
    expect(b.rate).toBe(1000);
    expect(etaSeconds(publicDownload(b))).toBe(8);
    const c = downloadFromProgress(b, { index: 0, source: base.source, phase: 'verify', done: 0, total: 11_000 }, 12_500);
    expect(c.rate).toBeUndefined();
    expect(Object.keys(publicDownload(c))).not.toContain('phaseStartedMs');
  });

  it('lines say what happens, how far, and what to do after a cancel', () => {
    expect(sourceName(base.source)).toBe('disk.img');
    const running = { ...base, phase: 'download', done: 2 * 1024 * 1024, total: 10 * 1024 * 1024, rate: 1024 * 1024, resumedFrom: 1024 * 1024 };
    expect(downloadLine(running)).toBe('Downloading disk.img: 2 MiB of 10 MiB · 1 MiB/s · 8 s left · resumed at 1 MiB');
    expect(downloadFraction(running)).toBeCloseTo(0.2);
    expect(downloadFraction({ ...base, phase: 'download', done: 5 })).toBeUndefined();
    const cancelled = finishDownload(running, 'cancelled', undefined, new Date('2026-01-01T00:01:00Z'));
    expect(cancelled).toMatchObject({ status: 'cancelled', finishedAt: '2026-01-01T00:01:00.000Z' });
    expect(cancelled.rate).toBeUndefined();
    expect(downloadLine(cancelled)).toBe('Cancelled disk.img at 2 MiB: Start again to resume');
    expect(downloadLine(finishDownload(running, 'failed', 'checksum mismatch'))).toBe('Could not fetch disk.img: checksum mismatch');
    expect(downloadLine({ ...finishDownload(running, 'done'), count: 2 })).toBe('Fetched 2 artifacts');
    expect(downloadLine({ ...running, count: 2, index: 1 })).toMatch(/^Downloading disk\.img \(2 of 2\)/);
  });
});
