// A failed start in words and as a record (src/main/supervisor/start-failure.ts), by tables; and which live
// VMs hold an image, over real record files in a temp home.
import { afterEach, describe, expect, it } from 'vitest';
import { explainStartFailure, failedStartRecord, imageHolders } from '../../src/main/supervisor/start-failure';
import { readRecord, writeRecord, type StateRecord } from '../../src/main/supervisor/state-record';
import { writeRunningRecord } from '../helpers/recorded-vm';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const lock = `qemu-system-x86_64: -drive file.driver=file,file.filename=/i/web.img,format=raw,id=vmdesk-disk0,if=ide: Failed to get "write" lock
Is another process using the image [/i/web.img]?`;

describe('explainStartFailure', () => {
  const table: Array<[string, string, readonly string[], string | undefined]> = [
    ['the write lock, held by a VM', lock, ['first'], 'the image /i/web.img is in use by VM "first"; stop it or make this VM disposable'],
    ['the write lock, held by two', lock, ['a', 'b'], 'the image /i/web.img is in use by VM "a", "b"; stop it or make this VM disposable'],
    ['the write lock, held by no VM', lock, [], 'the image /i/web.img is in use by another program (another QEMU?); close that program or make this VM disposable'],
    ['the read lock', 'qemu-system-x86_64: Failed to get "read" lock', ['x'], 'the image /i/web.img is in use by VM "x"; stop it or make this VM disposable'],
    ['permission', "qemu-system-x86_64: -drive x: Could not open '/i/web.img': Permission denied", [], expect.stringContaining('permission denied') as unknown as string],
    ['unknown cause', "qemu-system-x86_64: -device x: 'x' is not a valid device model name", ['first'], undefined],
  ];
  it.each(table)('%s', (_title, stderr, holders, words) => {
    expect(explainStartFailure(stderr, { image: '/i/web.img', holders })).toEqual(words);
  });
});

let t: TempHome | undefined;
afterEach(() => {
  t?.remove();
  t = undefined;
});

describe('failedStartRecord and imageHolders', () => {
  it('turns a starting record into a crashed run that says why, and finds the live VMs on an image', async () => {
    t = makeTempHome();
    // pid 1 is never a QEMU of ours; the records only need a live-looking state here.
    const first = await writeRunningRecord(t, 'first', '11111111-1111-4111-8111-111111111111', 1, 1);
    const second = await writeRunningRecord(t, 'second', '22222222-2222-4222-8222-222222222222', 1, 1);
    expect(imageHolders(t.home, first.plan.image.path, 'second')).toEqual(['first']);
    expect(imageHolders(t.home, '/elsewhere.img', 'second')).toEqual([]);

    const starting: StateRecord = { ...second, state: 'starting' };
    const failed = failedStartRecord(starting, { message: 'QEMU exited with code 1: lock', at: '2026-01-01T00:00:00.000Z', code: 1, signal: null, killed: false, stderrTail: 'lock' });
    expect(failed.state).toBe('crashed');
    expect(failed.lastExit).toEqual({ at: '2026-01-01T00:00:00.000Z', code: 1, signal: null, requested: false, summary: 'the start failed: QEMU exited with code 1: lock', stderrTail: 'lock' });
    const killed = failedStartRecord(starting, { message: 'QEMU did not answer on QMP', at: 'x', code: null, signal: 'SIGKILL', killed: true });
    expect(killed.lastExit?.summary).toBe('the start failed: QEMU did not answer on QMP; vmdesk stopped the partial start (SIGKILL)');
    // A crashed record is no longer a holder of its image; the record file round-trips through the schema.
    writeRecord(first.plan.paths.vmDir, failedStartRecord({ ...first, state: 'starting' }, { message: 'x', at: 'y', code: 1, signal: null, killed: false }));
    expect(readRecord(first.plan.paths.vmDir)).toMatchObject({ ok: true, record: { state: 'crashed' } });
    expect(imageHolders(t.home, first.plan.image.path, 'second')).toEqual([]);
  });
});
