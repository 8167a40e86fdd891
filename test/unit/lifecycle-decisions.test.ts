// The pure decisions behind the lifecycle fixes (issue #12, items 6-8): which command line is the VM's QEMU,
// what became of a recorded pid, and whether a runtime directory base is private. Table tests.
import { describe, expect, it } from 'vitest';
import { argvIsVmQemu, judgeRecordedPid, sameUuid } from '../../src/main/supervisor/identity';
import { runtimeBaseProblem, type BaseFacts } from '../../src/main/store/runtime-dir';

const UUID = '6c5b0a8e-3d1f-4c4e-9a51-0c1d2e3f4a5b';
const QMP = '/run/user/1000/vmdesk/web/qmp.sock';
const chardev = (path: string) => `socket,id=vmdesk-qmp,path=${path},server=on,wait=off`;

describe('argvIsVmQemu', () => {
  const cases: Array<[string, string[], boolean]> = [
    ['uuid and QMP socket', ['-uuid', UUID, '-chardev', chardev(QMP)], true],
    ['uuid in upper case (QEMU accepts either)', ['-uuid', UUID.toUpperCase(), '-chardev', chardev(QMP)], true],
    ['socket path at the end of the option', ['-uuid', UUID, '-chardev', `socket,id=q,path=${QMP}`], true],
    ['uuid only (another VM with a copied uuid, or a process naming it)', ['-uuid', UUID, '-chardev', chardev('/tmp/other/qmp.sock')], false],
    ['socket only (another run of the VM: another uuid)', ['-uuid', '00000000-0000-4000-8000-000000000000', '-chardev', chardev(QMP)], false],
    ['uuid not as the -uuid value', ['-name', UUID, '-chardev', chardev(QMP)], false],
    ['a longer socket path that starts with ours', ['-uuid', UUID, '-chardev', chardev(`${QMP}.evil`)], false],
    ['nothing', [], false],
  ];
  for (const [what, argv, expected] of cases) it(what, () => expect(argvIsVmQemu(argv, UUID, QMP)).toBe(expected));

  it('a socket path with a comma is matched as QemuOpts writes it (doubled)', () => {
    const path = '/tmp/a,b/qmp.sock';
    expect(argvIsVmQemu(['-uuid', UUID, '-chardev', chardev('/tmp/a,,b/qmp.sock')], UUID, path)).toBe(true);
    expect(argvIsVmQemu(['-uuid', UUID, '-chardev', chardev(path)], UUID, path)).toBe(false);
  });
});

describe('judgeRecordedPid', () => {
  const cases: Array<[string, Parameters<typeof judgeRecordedPid>[0], ReturnType<typeof judgeRecordedPid>]> = [
    ['no pid recorded (start killed before it wrote it)', { running: false, carriesIdentity: false }, 'none'],
    ['the pid exited', { pid: 10, recordedStart: 5, running: false, carriesIdentity: false }, 'gone'],
    ['the pid runs with a later start time (reused)', { pid: 10, recordedStart: 5, running: true, startTime: 9, carriesIdentity: false }, 'gone'],
    ['the pid runs, same start, without the identity', { pid: 10, recordedStart: 5, running: true, startTime: 5, carriesIdentity: false }, 'not-ours'],
    ['the pid runs, same start, with the identity', { pid: 10, recordedStart: 5, running: true, startTime: 5, carriesIdentity: true }, 'ours'],
    ['no start time recorded: the identity decides', { pid: 10, running: true, startTime: 9, carriesIdentity: true }, 'ours'],
    ['no start time recorded, no identity', { pid: 10, running: true, startTime: 9, carriesIdentity: false }, 'not-ours'],
  ];
  for (const [what, facts, expected] of cases) it(what, () => expect(judgeRecordedPid(facts)).toBe(expected));

  it('sameUuid ignores case only', () => {
    expect(sameUuid(UUID.toUpperCase(), UUID)).toBe(true);
    expect(sameUuid(undefined, UUID)).toBe(false);
    expect(sameUuid('00000000-0000-4000-8000-000000000000', UUID)).toBe(false);
  });
});

describe('runtimeBaseProblem', () => {
  const dir = (o: Partial<BaseFacts>): BaseFacts => ({ uid: 1000, mode: 0o40700, isSymbolicLink: false, isDirectory: true, ...o });
  const cases: Array<[string, BaseFacts, RegExp | undefined]> = [
    ['private directory (0700, ours)', dir({}), undefined],
    ['private directory with fewer bits (0500)', dir({ mode: 0o40500 }), undefined],
    ['a symlink', dir({ isSymbolicLink: true, isDirectory: false, linkTarget: '/tmp/x' }), /symbolic link \(to \/tmp\/x\)/],
    ['a file', dir({ isDirectory: false, mode: 0o100600 }), /not a directory/],
    ["another user's", dir({ uid: 65534 }), /belongs to uid 65534, not to you \(uid 1000\)/],
    ['group readable', dir({ mode: 0o40750 }), /mode 0750/],
    ['world writable', dir({ mode: 0o40777 }), /mode 0777.*chmod 700 \/b/],
    ['sticky and world writable, like /tmp', dir({ mode: 0o41777 }), /mode 1777/],
  ];
  for (const [what, facts, says] of cases) {
    it(what, () => {
      const p = runtimeBaseProblem('/b', facts, 1000);
      if (says) expect(p).toMatch(says);
      else expect(p).toBeUndefined();
      if (says) expect(p).toContain('set VMDESK_RUNTIME_DIR to a directory only you can use');
    });
  }
});
