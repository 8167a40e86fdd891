// The app's own surface on the host: a VM's runtime dir is 0700 and its sockets 0600 (asserted exactly),
// its VM dir 0700 and files 0600, and another user (nobody, via setpriv) cannot reach the QMP socket — the
// QMP socket is a root shell for the QEMU user (DESIGN.md, security model). Real QEMU (paused with -S on a
// blank image: no guest needed), real sockets, a real second user.
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import type { VmInfo } from '../../src/shared/vm';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { createImage } from '../helpers/image-files';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let t: TempHome;
let sup: SupervisorApi;
let vm: VmInfo;

beforeAll(async () => {
  t = makeTempHome();
  trackDir(t.runtimeDir);
  createImage(join(t.home, 'blank.qcow2'));
  sup = createSupervisor({ home: t.home, env: t.env, driverConfig: () => DEFAULT_DRIVER_CONFIG });
  vm = await sup.start({
    task: { name: 'priv', config: { image_path: 'blank.qcow2', guest_agent: true, args: ['-S'] }, resources: { memory: 128 }, disposable: true },
    taskDir: t.home,
  });
  trackPid(vm.pid);
});

afterAll(async () => {
  await sup?.stop('priv', { force: true }).catch(() => undefined);
  await sup?.close();
  killTracked();
  t?.remove();
});

const mode = (p: string) => statSync(p).mode & 0o7777;

/** Runs node as `nobody` (setpriv drops uid, gid and groups) connecting to a unix socket; resolves its output. */
function connectAsNobody(path: string): Promise<string> {
  const script = `require('net').connect(${JSON.stringify(path)}).on('connect', () => { console.log('CONNECTED'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;
  return new Promise((resolve, reject) => {
    execFile('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`setpriv failed: ${err.message} ${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

describe('private runtime state', () => {
  it('the runtime dir is 0700 and every socket in it 0600, exactly', () => {
    const runtimeDir = join(t.runtimeDir, 'priv');
    expect(mode(t.runtimeDir)).toBe(0o700);
    expect(mode(runtimeDir)).toBe(0o700);
    const sockets = readdirSync(runtimeDir).sort();
    expect(sockets).toEqual(['agent.sock', 'console.sock', 'qmp.sock', 'qmp2.sock']);
    for (const s of sockets) {
      expect(statSync(join(runtimeDir, s)).isSocket()).toBe(true);
      expect({ socket: s, mode: mode(join(runtimeDir, s)).toString(8) }).toEqual({ socket: s, mode: '600' });
    }
  });

  it('the VM dir is 0700 and every file in it 0600, exactly', () => {
    const vmDir = join(t.home, 'vms', 'priv');
    expect(mode(vmDir)).toBe(0o700);
    const files = readdirSync(vmDir);
    expect(files).toEqual(expect.arrayContaining(['vm.json', 'console.log', 'qemu.stderr.log', 'overlay.qcow2']));
    for (const f of files) expect({ file: f, mode: mode(join(vmDir, f)).toString(8) }).toEqual({ file: f, mode: '600' });
  });

  it('another user cannot connect to either QMP monitor, the console or the agent socket', async () => {
    for (const s of ['qmp.sock', 'qmp2.sock', 'console.sock', 'agent.sock']) {
      expect(await connectAsNobody(join(t.runtimeDir, 'priv', s))).toBe('EACCES');
    }
  });

  it('control: the same helper does connect as nobody to a socket nobody may reach', async () => {
    const { createServer } = await import('node:net');
    const { mkdtempSync, chmodSync, rmSync } = await import('node:fs');
    const open = mkdtempSync('/tmp/vd-open-');
    chmodSync(open, 0o755);
    const path = join(open, 's.sock');
    const server = createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(path, r));
    chmodSync(path, 0o777);
    try {
      expect(await connectAsNobody(path)).toBe('CONNECTED');
    } finally {
      server.close();
      rmSync(open, { recursive: true, force: true });
    }
  });
});
