// The args policy by class (issue 12, items 1-5 and the FIFO of item 9), through the supervisor's real start
// path with real files: qcow2 chains and data files made with qemu-img, -readconfig files, a file that looks
// like a shared object, FIFOs, symlinks. Each refused case fails with a clear error, starts no process and
// writes nothing in $VMDESK_HOME or the runtime dir. The controls at the end plan the same shapes inside the
// allowed places without error, so the refusals are about the places, not the shapes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planTaskFile } from '../../src/main/driver/prepare';
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import { DEFAULT_DRIVER_CONFIG, parseDriverConfig, type DriverConfig } from '../../src/shared/driver-config';
import { VmdeskError, type ErrorCode } from '../../src/shared/errors';
import { pidsMentioning } from '../helpers/cleanup';
import { createImage, createOverlay } from '../helpers/image-files';

let root: string;
let outside: string;
let n = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vmdesk-apc-'));
  outside = join(root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'top secret line\n');
  createImage(join(outside, 'other.qcow2'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Setup = (dir: string) => string[];
interface Case {
  title: string;
  args: Setup;
  config: Partial<DriverConfig>;
  code: ErrorCode;
  message: RegExp;
}

const allow = (...opts: string[]): Partial<DriverConfig> => ({ args_allowlist: opts });
const loaders = (loader: string[], ...opts: string[]): Partial<DriverConfig> => ({ args_allowlist: opts, args_loader_allowlist: loader });
const NOT_PLACE = /outside the task's directory and image_paths; with an args_allowlist, files given to QEMU in args must be in the allowed places/;
const qemuImg = (...a: string[]) => execFileSync('qemu-img', a);
/** evil.qcow2 in the task dir whose backing file is the secret outside. */
const evil = (d: string) => {
  createImage(join(d, 'evil.qcow2'));
  qemuImg('rebase', '-u', '-b', join(outside, 'secret'), '-F', 'raw', join(d, 'evil.qcow2'));
};
const file = (d: string, name: string, text: string) => writeFileSync(join(d, name), text);
const fifo = (d: string, name: string) => execFileSync('mkfifo', [join(d, name)]);
const cfg = (d: string, text: string) => {
  file(d, 'vm.cfg', text);
  return ['-readconfig', 'vm.cfg'];
};

const cases: Case[] = [
  // 1. Images named in args pass the image rule: place, regular file, explicit format, backing chain, data file.
  { title: '-drive: a qcow2 in the task dir whose backing file is outside', args: (d) => { evil(d); return ['-drive', 'file=evil.qcow2,format=qcow2,if=virtio']; }, config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: /"-drive" filename=evil\.qcow2: the backing file .*outside\/secret of .*evil\.qcow2 is not in the allowed paths/ },
  { title: '-blockdev JSON (single quotes): the same qcow2', args: (d) => { evil(d); return ['-blockdev', `{'driver':'qcow2','node-name':'d','file':{'driver':'file','filename':'evil.qcow2'}}`]; }, config: allow('-blockdev'), code: 'ARG_NOT_ALLOWED', message: /backing file .*outside\/secret .*not in the allowed paths/ },
  { title: '-blockdev keyval: the same qcow2', args: (d) => { evil(d); return ['-blockdev', 'driver=qcow2,node-name=d,file.driver=file,file.filename=evil.qcow2']; }, config: allow('-blockdev'), code: 'ARG_NOT_ALLOWED', message: /backing file .*outside\/secret .*not in the allowed paths/ },
  { title: '-blockdev file node given by name: its qcow2 header is still followed', args: (d) => { evil(d); return ['-blockdev', 'driver=file,node-name=f,filename=evil.qcow2', '-blockdev', 'driver=qcow2,node-name=d,file=f']; }, config: allow('-blockdev'), code: 'ARG_NOT_ALLOWED', message: /backing file .*outside\/secret .*not in the allowed paths/ },
  { title: '-drive: a qcow2 whose external data file is outside', args: (d) => { writeFileSync(join(outside, `data${n}.raw`), ''); createImage(join(d, 'dl.qcow2'), 'qcow2', '16M', ['-o', `data_file=${join(outside, `data${n}.raw`)}`]); return ['-drive', 'file=dl.qcow2,format=qcow2']; }, config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: /data file .*outside\/data\d+\.raw of .*dl\.qcow2 is not in the allowed paths/ },
  { title: '-drive: a backing chain of two inside, the third outside', args: (d) => { createOverlay(join(d, 'mid.qcow2'), join(outside, 'other.qcow2')); createOverlay(join(d, 'top.qcow2'), join(d, 'mid.qcow2')); return ['-drive', 'file=top.qcow2,format=qcow2']; }, config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: /backing file .*outside\/other\.qcow2 of .*mid\.qcow2 is not in the allowed paths/ },
  { title: '-drive: backing file overridden to a host file', args: (d) => { createImage(join(d, 'ok.qcow2')); return ['-drive', 'file=ok.qcow2,format=qcow2,backing.file.filename=/etc/passwd']; }, config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-drive without format= (QEMU would probe)', args: (d) => { createImage(join(d, 'plain.raw'), 'raw'); return ['-drive', 'file=plain.raw,if=virtio']; }, config: allow('-drive'), code: 'IMAGE_INVALID', message: /give the image's format explicitly/ },
  { title: '-drive with format=vmdk (extents can name any file)', args: (d) => { createImage(join(d, 'x.vmdk'), 'vmdk'); return ['-drive', 'file=x.vmdk,format=vmdk']; }, config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: /block driver "vmdk" is not allowed/ },
  { title: '-drive driver=vvfat (a host directory as a disk)', args: () => ['-drive', 'driver=vvfat,dir=.,if=virtio'], config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: /block driver "vvfat" is not allowed/ },
  { title: '-drive file.driver=nbd', args: () => ['-drive', 'file.driver=nbd,file.host=10.0.0.1,format=raw'], config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: /block driver "nbd" is not allowed/ },
  { title: '-cdrom (no way to give a format)', args: (d) => { createImage(join(d, 'x.iso'), 'raw'); return ['-cdrom', 'x.iso']; }, config: allow('-cdrom'), code: 'ARG_NOT_ALLOWED', message: /QEMU would guess the image's format; with an args_allowlist give it as -drive file=x\.iso,format=FORMAT/ },
  { title: '-drive on a FIFO in the task dir (must not block)', args: (d) => { fifo(d, 'pipe.raw'); return ['-drive', 'file=pipe.raw,format=raw']; }, config: allow('-drive'), code: 'IMAGE_INVALID', message: /pipe\.raw is not a regular file/ },
  { title: '-drive on a FIFO with an empty allowlist (item 9: refused at plan time)', args: (d) => { fifo(d, 'pipe.raw'); return ['-drive', 'file=pipe.raw,format=raw,if=virtio']; }, config: {}, code: 'IMAGE_INVALID', message: /"-drive" "pipe\.raw": .*pipe\.raw is not a regular file \(a FIFO would block QEMU's start/ },
  { title: '-blockdev on a FIFO with an empty allowlist', args: (d) => { fifo(d, 'p2.raw'); return ['-blockdev', `{'driver':'raw','node-name':'r','file':{'driver':'file','filename':'p2.raw'}}`]; }, config: {}, code: 'IMAGE_INVALID', message: /p2\.raw is not a regular file/ },
  { title: 'a positional FIFO with an empty allowlist (QEMU opens it as -hda)', args: (d) => { fifo(d, 'p3.raw'); return ['p3.raw']; }, config: {}, code: 'IMAGE_INVALID', message: /"\(positional\)" "p3\.raw": .*p3\.raw is not a regular file/ },
  { title: '-drive on a directory', args: (d) => { mkdirSync(join(d, 'dir.raw')); return ['-drive', 'file=dir.raw,format=raw']; }, config: allow('-drive'), code: 'IMAGE_INVALID', message: /dir\.raw is not a regular file/ },

  // 2. Options that load host configuration or code need args_loader_allowlist; then -readconfig's contents are checked.
  { title: '-plugin inside the task dir (a file that looks like a shared object)', args: (d) => { writeFileSync(join(d, 'x.so'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])); return ['-plugin', './x.so']; }, config: allow('-plugin'), code: 'ARG_NOT_ALLOWED', message: /"-plugin" loads a shared object into the QEMU process \(host code\).*args_loader_allowlist/ },
  { title: '-readconfig inside the task dir, not in args_loader_allowlist', args: (d) => cfg(d, '[machine]\n  type = "pc"\n'), config: allow('-readconfig'), code: 'ARG_NOT_ALLOWED', message: /"-readconfig" reads a QEMU configuration file.*args_loader_allowlist/ },
  { title: '-option-rom inside the task dir', args: (d) => { file(d, 'x.rom', 'rom'); return ['-option-rom', 'x.rom']; }, config: allow('-option-rom'), code: 'ARG_NOT_ALLOWED', message: /"-option-rom" loads an option ROM/ },
  { title: '-dtb inside the task dir', args: (d) => { file(d, 'x.dtb', 'dtb'); return ['-dtb', 'x.dtb']; }, config: allow('-dtb'), code: 'ARG_NOT_ALLOWED', message: /"-dtb" loads a device tree blob/ },
  { title: 'allowed -readconfig: a [drive] outside', args: (d) => cfg(d, `[drive "d1"]\n  file = "${join(outside, 'other.qcow2')}"\n  format = "qcow2"\n`), config: loaders(['-readconfig'], '-readconfig', '-drive'), code: 'ARG_NOT_ALLOWED', message: /^"-readconfig" vm\.cfg line 1 \[drive\]: "-drive" reaches .*outside\/other\.qcow2", outside the task's directory/ },
  { title: 'allowed -readconfig: a [drive] whose qcow2 backing file is outside', args: (d) => { evil(d); return cfg(d, '[drive]\n  file = "evil.qcow2"\n  format = "qcow2"\n'); }, config: loaders(['-readconfig'], '-readconfig', '-drive'), code: 'ARG_NOT_ALLOWED', message: /line 1 \[drive\]: "-drive" filename=evil\.qcow2: the backing file .*outside\/secret/ },
  { title: 'allowed -readconfig: a [drive] although -drive is not in args_allowlist', args: (d) => { createImage(join(d, 'ok.qcow2')); return cfg(d, '[drive]\n  file = "ok.qcow2"\n  format = "qcow2"\n'); }, config: loaders(['-readconfig'], '-readconfig'), code: 'ARG_NOT_ALLOWED', message: /\[drive\]: it declares "-drive", which is not in args_allowlist/ },
  { title: 'allowed -readconfig: a [chardev] writing ../outside', args: (d) => cfg(d, '[chardev "c"]\n  backend = "file"\n  path = "../outside/log"\n'), config: loaders(['-readconfig'], '-readconfig', '-chardev'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -readconfig: a [chardev] socket server on every interface', args: (d) => cfg(d, '[chardev "c"]\n  backend = "socket"\n  port = "4000"\n  server = "on"\n'), config: loaders(['-readconfig'], '-readconfig', '-chardev'), code: 'ARG_NOT_ALLOWED', message: /listens on every interface; write the host as 127\.0\.0\.1 in the file/ },
  { title: 'allowed -readconfig: a [plugin] group (a loader the operator did not allow)', args: (d) => { file(d, 'x.so', '\u007fELF'); return cfg(d, '[plugin]\n  file = "x.so"\n'); }, config: loaders(['-readconfig'], '-readconfig', '-plugin'), code: 'ARG_NOT_ALLOWED', message: /\[plugin\]: "-plugin" loads a shared object/ },
  { title: 'allowed -readconfig: a group vmdesk does not know', args: (d) => cfg(d, '[weird]\n  x = "y"\n'), config: loaders(['-readconfig'], '-readconfig'), code: 'ARG_NOT_ALLOWED', message: /\[weird\]: a group vmdesk does not know/ },
  { title: 'allowed -readconfig: a line QEMU would read differently', args: (d) => cfg(d, '[machine]\ntype="pc"\n'), config: loaders(['-readconfig'], '-readconfig', '-machine'), code: 'ARG_NOT_ALLOWED', message: /cannot be checked: line 2 is not \[group\]/ },
  { title: 'allowed -readconfig: the config file is a FIFO (must not block)', args: (d) => { fifo(d, 'vm.cfg'); return ['-readconfig', 'vm.cfg']; }, config: loaders(['-readconfig'], '-readconfig'), code: 'ARG_NOT_ALLOWED', message: /vm\.cfg is not a regular file/ },
  { title: '-L: a firmware file in the task dir that is a symlink out', args: (d) => { mkdirSync(join(d, 'fw')); symlinkSync('/etc/passwd', join(d, 'fw', 'bios-256k.bin')); return ['-L', 'fw']; }, config: allow('-L'), code: 'ARG_NOT_ALLOWED', message: /"-L" "fw": bios-256k\.bin is really \/etc\/passwd/ },

  // 3. QEMU's JSON dialect and QemuOpts, read as QEMU reads them; what cannot be read is refused.
  { title: '-blockdev single-quoted JSON naming /etc/shadow', args: () => ['-blockdev', `{'driver':'file','node-name':'x','filename':'/etc/shadow'}`], config: allow('-blockdev'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-blockdev JSON with \\u escapes spelling /etc/shadow', args: () => ['-blockdev', '{"driver":"file","node-name":"x","filename":"\\u002fetc\\u002fshadow"}'], config: allow('-blockdev'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-object memory-backend-file in single-quoted JSON creating a file outside', args: () => ['-object', `{'qom-type':'memory-backend-file','id':'m','size':1048576,'mem-path':'${root}/created-by-qemu'}`], config: allow('-object'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-object JSON vmdesk cannot parse (fail closed)', args: () => ['-object', `{'qom-type':'memory-backend-file','id':'m','mem-path':'/x'`], config: allow('-object'), code: 'ARG_NOT_ALLOWED', message: /cannot be checked: not valid QEMU JSON.*vmdesk refuses what it cannot read/ },
  { title: '-blockdev JSON with a duplicate key (fail closed)', args: (d) => { createImage(join(d, 'ok.raw'), 'raw'); return ['-blockdev', `{'driver':'file','node-name':'x','filename':'ok.raw','filename':'/etc/shadow'}`]; }, config: allow('-blockdev'), code: 'ARG_NOT_ALLOWED', message: /duplicate key "filename"/ },
  { title: '-netdev JSON with smb=/', args: () => ['-netdev', `{'type':'user','id':'n','smb':'/'}`], config: allow('-netdev'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-netdev JSON with a guestfwd command', args: () => ['-netdev', `{'type':'user','id':'n','guestfwd':[{'str':'tcp:10.0.2.100:80-cmd:sh -c id'}]}`], config: allow('-netdev'), code: 'ARG_NOT_ALLOWED', message: /runs a host command/ },
  { title: '-device JSON handing the guest a host USB device', args: () => ['-device', `{'driver':'usb-host','hostbus':1,'hostaddr':2}`], config: allow('-device'), code: 'ARG_NOT_ALLOWED', message: /device "usb-host" hands the guest a host device/ },
  { title: '-chardev path with ",," (a comma inside the path)', args: () => ['-chardev', 'socket,id=c,path=/tmp/x,,y,server=on,wait=off'], config: allow('-chardev'), code: 'ARG_NOT_ALLOWED', message: /"\/tmp\/x,y", outside/ },
  { title: '-serial spec vmdesk does not know (fail closed)', args: () => ['-serial', 'weird:thing'], config: allow('-serial'), code: 'ARG_NOT_ALLOWED', message: /cannot be checked: not a character device spec/ },

  // 4. Every value QEMU treats as a path is resolved, whatever it starts with.
  { title: '-trace events=./../secret', args: () => ['-trace', 'events=./../outside/secret'], config: allow('-trace'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-trace file=../trace.log', args: () => ['-trace', 'file=../trace.log'], config: allow('-trace'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-D ../qemu.log', args: () => ['-D', '../qemu.log'], config: allow('-D'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-k ../outside/secret (a keymap is tried as a plain path first)', args: () => ['-k', '../outside/secret'], config: allow('-k'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-chardev file,path=./../x', args: () => ['-chardev', 'file,id=f,path=./../x.log'], config: allow('-chardev'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-serial file:./../x', args: () => ['-serial', 'file:./../x.log'], config: allow('-serial'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-smbios file=../outside/secret', args: () => ['-smbios', 'file=../outside/secret'], config: allow('-smbios'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-fw_cfg file=../outside/secret', args: () => ['-fw_cfg', 'name=opt/x,file=../outside/secret'], config: allow('-fw_cfg'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-acpitable data=a:../outside/secret (a list of files)', args: (d) => { file(d, 'a.bin', 'x'); return ['-acpitable', 'data=a.bin:../outside/secret']; }, config: allow('-acpitable'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-boot splash=../outside/secret', args: () => ['-boot', 'order=c,splash=../outside/secret'], config: allow('-boot'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-machine dumpdtb=../x.dtb (QEMU writes it)', args: () => ['-machine', 'pc,dumpdtb=../x.dtb'], config: allow('-machine'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-object secret,file=../outside/secret', args: () => ['-object', 'secret,id=s,file=../outside/secret'], config: allow('-object'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-netdev user,tftp=./../outside', args: () => ['-netdev', 'user,id=n,tftp=./../outside'], config: allow('-netdev'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-device romfile=../outside/secret', args: () => ['-device', 'e1000,romfile=../outside/secret'], config: allow('-device'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'an option vmdesk has no table for: its value is a path', args: () => ['-prom-env', '../outside/secret'], config: allow('-prom-env'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-set: an image slipped into vmdesk\'s own disk as a plain path', args: (d) => { evil(d); return ['-set', 'drive.vmdesk-disk0.file.filename=evil.qcow2']; }, config: allow('-set'), code: 'ARG_NOT_ALLOWED', message: /"-set": it changes an option declared elsewhere/ },
  { title: '-global driver=,property=romfile,value=/etc/passwd', args: () => ['-global', 'driver=e1000,property=romfile,value=/etc/passwd'], config: allow('-global'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-global e1000.romfile=/etc/passwd', args: () => ['-global', 'e1000.romfile=/etc/passwd'], config: allow('-global'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-trace events= through a symlink in the task dir', args: (d) => { symlinkSync(join(outside, 'secret'), join(d, 'events')); return ['-trace', 'events=events']; }, config: allow('-trace'), code: 'ARG_NOT_ALLOWED', message: /really .*outside\/secret/ },

  // 5. Every listening address on port_bind_address, or refused with the reason.
  { title: 'hostfwd on 0.0.0.0 in a -netdev of args', args: () => ['-netdev', 'user,id=n,hostfwd=tcp:0.0.0.0:22222-:80'], config: allow('-netdev'), code: 'ARG_NOT_ALLOWED', message: /hostfwd "tcp:0\.0\.0\.0:22222-:80" listens on "0\.0\.0\.0"; port_bind_address is 127\.0\.0\.1/ },
  { title: '-vnc 0.0.0.0:17', args: () => ['-vnc', '0.0.0.0:17'], config: allow('-vnc'), code: 'ARG_NOT_ALLOWED', message: /VNC listens on "0\.0\.0\.0"/ },
  { title: '-gdb tcp:0.0.0.0:1234', args: () => ['-gdb', 'tcp:0.0.0.0:1234'], config: allow('-gdb'), code: 'ARG_NOT_ALLOWED', message: /listens on "0\.0\.0\.0"/ },
  { title: '-chardev socket,host=0.0.0.0,server=on', args: () => ['-chardev', 'socket,id=c,host=0.0.0.0,port=4000,server=on,wait=off'], config: allow('-chardev'), code: 'ARG_NOT_ALLOWED', message: /a server socket chardev listens on "0\.0\.0\.0"/ },
  { title: '-incoming tcp:0.0.0.0:4444', args: () => ['-incoming', 'tcp:0.0.0.0:4444'], config: allow('-incoming'), code: 'ARG_NOT_ALLOWED', message: /listens on "0\.0\.0\.0"/ },
  { title: '-netdev socket,listen=0.0.0.0:', args: () => ['-netdev', 'socket,id=s,listen=0.0.0.0:1234'], config: allow('-netdev'), code: 'ARG_NOT_ALLOWED', message: /listen=0\.0\.0\.0:1234 listens on "0\.0\.0\.0"/ },
  { title: '-spice addr=0.0.0.0', args: () => ['-spice', 'port=5930,addr=0.0.0.0,disable-ticketing=on'], config: allow('-spice'), code: 'ARG_NOT_ALLOWED', message: /SPICE listens on "0\.0\.0\.0"/ },
  { title: 'hostfwd on 127.0.0.1 while port_bind_address is 127.0.0.2', args: () => ['-netdev', 'user,id=n,hostfwd=tcp:127.0.0.1:22222-:80'], config: { ...allow('-netdev'), port_bind_address: '127.0.0.2' }, code: 'ARG_NOT_ALLOWED', message: /listens on "127\.0\.0\.1"; port_bind_address is 127\.0\.0\.2/ },
];

/** Every file below `dir` (recursively); [] when it does not exist. */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
}

const task = (args: string[]) => ({ name: 'web', config: { image_path: 'disk.qcow2', args }, resources: { memory: 128 } });

describe('the args policy by class, through supervisor.start: clear error, nothing started, nothing written', () => {
  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const dir = join(root, `t${++n}`);
    mkdirSync(dir);
    createImage(join(dir, 'disk.qcow2'));
    const home = join(root, `home${n}`);
    const runtimeDir = mkdtempSync('/tmp/vd-apc');
    try {
      const args = c.args(dir);
      const taskFile = join(dir, 'task.json');
      writeFileSync(taskFile, JSON.stringify(task(args)));
      const sup = createSupervisor({
        home,
        env: { ...process.env, VMDESK_HOME: home, VMDESK_RUNTIME_DIR: runtimeDir },
        driverConfig: () => ({ ...DEFAULT_DRIVER_CONFIG, ...c.config }),
      });
      const err = await sup.start({ taskFile }).then(() => undefined, (e: unknown) => e);
      await sup.close();
      expect(err, 'start must fail').toBeInstanceOf(VmdeskError);
      expect({ code: (err as VmdeskError).code, message: (err as VmdeskError).message }).toEqual({ code: c.code, message: expect.stringMatching(c.message) });
      expect((err as VmdeskError).message, 'never the contents of a file outside').not.toMatch(/top secret/);
      expect(filesUnder(home), 'nothing written in $VMDESK_HOME').toEqual([]);
      expect(filesUnder(runtimeDir), 'nothing written in the runtime dir').toEqual([]);
      expect(pidsMentioning(home).concat(pidsMentioning(runtimeDir)), 'no process started').toEqual([]);
      expect(readdirSync(root).filter((f) => f.startsWith('created-by-qemu')), 'nothing created outside').toEqual([]);
    } finally {
      for (const pid of pidsMentioning(home).concat(pidsMentioning(runtimeDir))) process.kill(pid, 'SIGKILL');
      rmSync(runtimeDir, { recursive: true, force: true });
    }
  });
});

describe('the driver config list args_loader_allowlist', () => {
  it('accepts the loader options by name and refuses anything else with the field', () => {
    expect(parseDriverConfig({ args_loader_allowlist: ['-readconfig', '-plugin'] })).toEqual({ ok: true, config: expect.objectContaining({ args_loader_allowlist: ['-readconfig', '-plugin'] }) });
    expect(parseDriverConfig({ args_loader_allowlist: ['-drive'] })).toEqual({ ok: false, field: 'args_loader_allowlist.0', message: expect.stringMatching(/-readconfig/) });
  });
});

describe('controls: the same shapes inside the allowed places plan without error', () => {
  const plan = async (args: Setup, config: Partial<DriverConfig>) => {
    const dir = join(root, `c${++n}`);
    mkdirSync(dir);
    createImage(join(dir, 'disk.qcow2'));
    const a = args(dir);
    writeFileSync(join(dir, 'task.json'), JSON.stringify(task(a)));
    return planTaskFile(join(dir, 'task.json'), { driverConfig: { ...DEFAULT_DRIVER_CONFIG, ...config }, home: join(root, `chome${n}`), env: { ...process.env, VMDESK_RUNTIME_DIR: '/tmp/vd-apc-none' } });
  };
  it('a qcow2 chain inside the task dir, by -drive and by -blockdev in single-quoted JSON', async () => {
    const p = await plan((d) => { createImage(join(d, 'base.qcow2')); createOverlay(join(d, 'top.qcow2'), join(d, 'base.qcow2')); return ['-drive', 'file=top.qcow2,format=qcow2,if=none,id=x', '-blockdev', `{'driver':'qcow2','node-name':'b','file':{'driver':'file','filename':'base.qcow2'},'read-only':true}`]; }, allow('-drive', '-blockdev'));
    expect(p.argv).toContain('file=top.qcow2,format=qcow2,if=none,id=x');
  });
  it('an allowed -readconfig whose [drive] is inside', async () => {
    const p = await plan((d) => { createImage(join(d, 'ok.qcow2')); return cfg(d, '[drive "d"]\n  file = "ok.qcow2"\n  format = "qcow2"\n  if = "none"\n'); }, loaders(['-readconfig'], '-readconfig', '-drive'));
    expect(p.argv.slice(-2)).toEqual(['-readconfig', 'vm.cfg']);
  });
  it('-trace events= and -L with files inside, an allowed -plugin inside', async () => {
    const p = await plan((d) => { file(d, 'events', 'virtio_*\n'); mkdirSync(join(d, 'fw')); file(join(d, 'fw'), 'bios.bin', 'x'); file(d, 'x.so', '\u007fELF'); return ['-trace', 'events=./events', '-L', 'fw', '-plugin', 'x.so']; }, loaders(['-plugin'], '-trace', '-L', '-plugin'));
    expect(p.argv).toContain('events=./events');
  });
  it('listening addresses with an empty host are rewritten onto port_bind_address in the plan', async () => {
    const p = await plan(() => ['-netdev', 'user,id=n2,hostfwd=tcp::22222-:80', '-vnc', ':17', '-gdb', 'tcp::1234'], allow('-netdev', '-vnc', '-gdb'));
    expect(p.argv.slice(-6)).toEqual(['-netdev', 'user,id=n2,hostfwd=tcp:127.0.0.1:22222-:80', '-vnc', '127.0.0.1:17', '-gdb', 'tcp:127.0.0.1:1234']);
  });
});
