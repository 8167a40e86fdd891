// The app's SSH terminal, the pure parts: the ssh argv (vmdesk ssh's builder with -tt), the remote login and
// resize commands (the window's size on the remote pty), the tty name the login command reports, what an ssh
// exit means (retry or fix), and when the SSH tab cannot even try.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { explainSshExit, remoteLoginCommand, remoteResizeCommand, sshTerminalArgv, takeTtyName, TTY_OSC } from '../../src/main/ssh/ssh-terminal-plan';
import { sshTabStatus } from '../../src/renderer/src/lib/ssh-status';
import type { VmInfo } from '../../src/shared/vm';

const vm: VmInfo = { name: 'web', state: 'running', ports: [], agent: 'disabled', disposable: false, ssh: { user: 'vmdesk', label: 'ssh', host: '127.0.0.1', port: 2222, keyFile: '/v/ssh/id_ed25519', knownHosts: '/v/ssh/known_hosts' } };
const keyThere = () => true;

describe('the SSH terminal argv', () => {
  it('is vmdesk ssh\'s argv with -tt, no escape character, BatchMode, and the login command after --', () => {
    const argv = sshTerminalArgv(vm, remoteLoginCommand({ cols: 120, rows: 40 }), { keyExists: keyThere });
    expect(argv.slice(0, 3)).toEqual(['-tt', '-e', 'none']);
    expect(argv).toEqual(expect.arrayContaining(['-i', '/v/ssh/id_ed25519', '-p', '2222', 'UserKnownHostsFile=/v/ssh/known_hosts', 'BatchMode=yes']));
    expect(argv.slice(-3)).toEqual(['vmdesk@127.0.0.1', '--', remoteLoginCommand({ cols: 120, rows: 40 })]);
    expect(sshTerminalArgv(vm, 'true', { tty: false, keyExists: keyThere })).not.toContain('-tt');
  });

  it('refuses clearly: not running first (even without SSH access yet), then no port label, then a missing key', () => {
    expect(() => sshTerminalArgv({ ...vm, state: 'defined', ssh: undefined }, 'x')).toThrow(/web is not running \(state defined\); start it, wait for cloud-init/);
    expect(() => sshTerminalArgv({ ...vm, ssh: undefined }, 'x')).toThrow(/no cloud_init block/);
    expect(() => sshTerminalArgv({ ...vm, ssh: { ...vm.ssh!, port: undefined } }, 'x', { keyExists: keyThere })).toThrow(/no port_map label "ssh"/);
    expect(() => sshTerminalArgv(vm, 'x', { keyExists: () => false })).toThrow(/SSH key \/v\/ssh\/id_ed25519 is missing/);
  });
});

describe('the remote commands', () => {
  it('the login command sizes the pty, names it, then runs a login shell (checked by a real sh -n)', () => {
    const cmd = remoteLoginCommand({ cols: 132, rows: 43 });
    expect(cmd).toBe(`stty cols 132 rows 43 2>/dev/null; printf '\\033]${TTY_OSC};%s\\007' "$(tty)"; exec "\${SHELL:-/bin/sh}" -l`);
    expect(spawnSync('sh', ['-n', '-c', cmd]).status).toBe(0);
    // What the printf writes is what takeTtyName reads.
    const printed = spawnSync('sh', ['-c', `printf '\\033]${TTY_OSC};%s\\007' /dev/pts/7`]).stdout.toString('latin1');
    expect(takeTtyName(`motd\r\n${printed}$ `)).toEqual({ tty: '/dev/pts/7', text: 'motd\r\n$ ' });
  });

  it('sizes are integers in range; the resize names only a /dev/pts path', () => {
    expect(remoteResizeCommand('/dev/pts/3', { cols: 80, rows: 24 })).toBe('stty -F /dev/pts/3 cols 80 rows 24');
    for (const bad of [{ cols: 0, rows: 24 }, { cols: 80.5, rows: 24 }, { cols: 80, rows: 5000 }]) expect(() => remoteLoginCommand(bad)).toThrow(/out of range/);
    for (const tty of ['/dev/pts/3; rm -rf ~', '/dev/tty1', 'not a tty', '']) expect(() => remoteResizeCommand(tty, { cols: 80, rows: 24 })).toThrow(/not a remote pty path/);
  });

  it('takeTtyName: nothing yet while the sequence is incomplete', () => {
    expect(takeTtyName(`abc\u001b]${TTY_OSC};/dev/pts/`)).toEqual({ text: `abc\u001b]${TTY_OSC};/dev/pts/` });
    expect(takeTtyName('plain')).toEqual({ text: 'plain' });
  });
});

describe('what an ended ssh means', () => {
  it.each([
    [255, 'kex_exchange_identification: read: Connection reset by peer\r\n', /sshd in the guest is not up yet .*Connection reset by peer.*Retry/, true],
    [255, 'ssh: connect to host 127.0.0.1 port 2222: Connection refused\n', /not up yet .*Connection refused/, true],
    [255, 'vmdesk@127.0.0.1: Permission denied (publickey).\n', /refused the key .*cloud-init may not have installed it yet/, true],
    [255, 'Host key verification failed.\n', /remove the VM's ssh\/known_hosts file/, true],
    [0, '', /remote shell exited/, true],
    [1, 'odd\nlast words\n', /^ssh ended with exit code 1: last words\.$/, true],
  ])('exit %s, %j', (code, stderr, message, retry) => {
    const r = explainSshExit(code, stderr, 'running');
    expect(r.message).toMatch(message);
    expect(r.retry).toBe(retry);
  });
  it('the VM stopped: no retry, start it', () => {
    expect(explainSshExit(255, 'Connection closed', 'exited')).toEqual({ message: expect.stringMatching(/The VM stopped \(state exited\).*Start it again/), retry: false });
  });
});

describe('when the SSH tab cannot try', () => {
  it.each([
    [{ ...vm, ssh: undefined, state: 'exited' }, /no cloud_init block.*Cloud-init section/],
    [{ ...vm, ssh: undefined, state: 'defined' }, /has not run yet: start it/],
    [{ ...vm, state: 'exited' }, /web is not running \(exited\): start it/],
    [{ ...vm, ssh: { ...vm.ssh!, port: undefined } }, /no host port for the "ssh" label.*port map "ssh" → guest 22/],
  ] as Array<[VmInfo, RegExp]>)('%#', (info, message) => {
    expect(sshTabStatus(info)).toMatch(message);
  });
  it('a running VM with a port: it tries', () => {
    expect(sshTabStatus(vm)).toBeUndefined();
  });
});
