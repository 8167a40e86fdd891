// Golden argv tables for the planner: each task option alone and in combination.
import { describe, expect, it } from 'vitest';
import { assignHostPorts, buildPlan, SANDBOX_ARG } from '../../src/main/driver/plan';
import { ctx, linuxHost, task } from '../helpers/driver-fixtures';

const H = '/home/u/.local/state/vmdesk/vms/web';
const R = '/run/vd/web';
const CONSOLE = [
  '-nographic', '-monitor', 'none', '-serial', 'chardev:vmdesk-console',
  '-chardev', `socket,id=vmdesk-console,path=${R}/console.sock,server=on,wait=off,logfile=${H}/console.log,logappend=on`,
];
const QMP = [
  '-chardev', `socket,id=vmdesk-qmp,path=${R}/qmp.sock,server=on,wait=off`, '-mon', 'chardev=vmdesk-qmp,mode=control',
  '-chardev', `socket,id=vmdesk-qmp2,path=${R}/qmp2.sock,server=on,wait=off`, '-mon', 'chardev=vmdesk-qmp2,mode=control',
];
const DRIVE = (iface: string, file = '/tasks/web/web.qcow2', format = 'qcow2') => [
  '-drive', `file.driver=file,file.filename=${file},format=${format},id=vmdesk-disk0,if=${iface}`,
];
const NET = (netdev: object = { type: 'user', id: 'vmdesk-net0' }) => [
  '-netdev', JSON.stringify(netdev), '-device', '{"driver":"virtio-net","netdev":"vmdesk-net0"}',
];
const SANDBOX = ['-sandbox', SANDBOX_ARG];
const HEAD = (mem = 300, cores = 1, machine = 'type=pc,accel=tcg') => ['-name', 'guest=web', '-machine', machine, '-m', `${mem}M`, '-smp', String(cores)];

describe('buildPlan golden argv', () => {
  it('defaults (Nomad defaults: pc, tcg, ide, 300 MiB)', () => {
    const t = task();
    const plan = buildPlan(t, ctx(t));
    expect(plan.binary).toBe('/usr/bin/qemu-system-x86_64');
    expect(plan.argv).toEqual([...HEAD(), ...CONSOLE, ...QMP, ...DRIVE('ide'), ...NET(), ...SANDBOX]);
    expect(plan.warnings).toEqual([]);
    expect(plan.ports).toEqual([]);
  });

  it('uuid goes right after the name', () => {
    const t = task();
    const uuid = '0f0e0d0c-0b0a-4909-8807-060504030201';
    expect(buildPlan(t, ctx(t, { uuid })).argv.slice(0, 4)).toEqual(['-name', 'guest=web', '-uuid', uuid]);
  });

  it.each(['ide', 'sd', 'mtd', 'floppy', 'pflash', 'virtio', 'none'] as const)('drive_interface %s (aarch64 virt for sd/mtd)', (iface) => {
    const arm = iface === 'sd' || iface === 'mtd';
    const t = task({ config: { drive_interface: iface, ...(arm ? { emulator: 'aarch64', machine_type: 'virt' } : {}) } });
    // pflash on pc is the system firmware: a firmware-sized image (at most 8 MiB).
    const plan = buildPlan(t, ctx(t, iface === 'pflash' ? { image: { path: '/tasks/web/web.qcow2', format: 'qcow2', virtualSize: 1 << 20 } } : {}));
    expect(plan.argv).toEqual([...HEAD(300, 1, arm ? 'type=virt,accel=tcg' : undefined), ...CONSOLE, ...QMP, ...DRIVE(iface), ...NET(), ...SANDBOX]);
    if (arm) expect(plan.binary).toBe('/usr/bin/qemu-system-aarch64');
  });

  it('drive_interface scsi on pc adds a virtio-scsi controller (pc has none for if=scsi)', () => {
    const t = task({ config: { drive_interface: 'scsi' } });
    expect(buildPlan(t, ctx(t)).argv).toEqual([
      ...HEAD(), ...CONSOLE, ...QMP,
      '-device', '{"driver":"virtio-scsi-pci","id":"vmdesk-scsi0"}',
      '-drive', 'file.driver=file,file.filename=/tasks/web/web.qcow2,format=qcow2,id=vmdesk-disk0,if=none',
      '-device', '{"driver":"scsi-hd","drive":"vmdesk-disk0","bus":"vmdesk-scsi0.0"}',
      ...NET(), ...SANDBOX,
    ]);
  });

  it('drive_interface scsi on another machine uses if=scsi', () => {
    const t = task({ config: { drive_interface: 'scsi', emulator: 'aarch64', machine_type: 'realview-eb' } });
    expect(buildPlan(t, ctx(t)).argv).toContain('file.driver=file,file.filename=/tasks/web/web.qcow2,format=qcow2,id=vmdesk-disk0,if=scsi');
  });

  it('kvm adds -enable-kvm; memory, cores, machine_type', () => {
    const t = task({ config: { accelerator: 'kvm', machine_type: 'q35' }, resources: { memory: 2048, cores: 4 } });
    expect(buildPlan(t, ctx(t)).argv.slice(0, 9)).toEqual(['-name', 'guest=web', '-machine', 'type=q35,accel=kvm', '-enable-kvm', '-m', '2048M', '-smp', '4']);
  });

  it('emulator with the qemu-system- prefix', () => {
    const t = task({ config: { emulator: 'qemu-system-i386' } });
    const plan = buildPlan(t, ctx(t));
    expect(plan.binary).toBe('/usr/bin/qemu-system-i386');
    expect(plan.task.config.emulator).toBe('i386');
  });

  it('raw image: format raw, explicit', () => {
    const t = task();
    expect(buildPlan(t, ctx(t, { image: { path: '/tasks/web/a.img', format: 'raw' } })).argv).toEqual(
      [...HEAD(), ...CONSOLE, ...QMP, ...DRIVE('ide', '/tasks/web/a.img', 'raw'), ...NET(), ...SANDBOX],
    );
  });

  it('disposable: the drive is the qcow2 overlay', () => {
    const t = task({ disposable: true });
    expect(buildPlan(t, ctx(t, { image: { path: '/tasks/web/a.img', format: 'raw' } })).argv).toEqual(
      [...HEAD(), ...CONSOLE, ...QMP, ...DRIVE('ide', `${H}/overlay.qcow2`, 'qcow2'), ...NET(), ...SANDBOX],
    );
  });

  it('port_map: TCP and UDP forwards on the bind address, sorted by label; 0 stays 0', () => {
    const t = task({ config: { port_map: { ssh: 22, http: 80 } }, ports: { http: 8080, ssh: 0 } });
    const plan = buildPlan(t, ctx(t));
    expect(plan.argv).toEqual([...HEAD(), ...CONSOLE, ...QMP, ...DRIVE('ide'), ...NET({
      type: 'user', id: 'vmdesk-net0',
      hostfwd: [
        { str: 'tcp:127.0.0.1:8080-:80' }, { str: 'udp:127.0.0.1:8080-:80' },
        { str: 'tcp:127.0.0.1:0-:22' }, { str: 'udp:127.0.0.1:0-:22' },
      ],
    }), ...SANDBOX]);
    expect(plan.ports).toEqual([
      { label: 'http', host: 8080, guest: 80, bind: '127.0.0.1', protocols: ['tcp', 'udp'] },
      { label: 'ssh', host: 0, guest: 22, bind: '127.0.0.1', protocols: ['tcp', 'udp'] },
    ]);
  });

  it('port_bind_address from the driver config', () => {
    const t = task({ config: { port_map: { http: 80 } }, ports: { http: 8080 } });
    expect(buildPlan(t, ctx(t, { config: { port_bind_address: '0.0.0.0' } })).argv.join(' ')).toContain('tcp:0.0.0.0:8080-:80');
  });

  it('assignHostPorts fills automatic ports and rewrites only the netdev', () => {
    const t = task({ config: { port_map: { ssh: 22, http: 80 } }, ports: { http: 8080, ssh: 0 } });
    const plan = buildPlan(t, ctx(t));
    const resolved = assignHostPorts(plan, { ssh: 40022 });
    expect(resolved.ports.find((p) => p.label === 'ssh')?.host).toBe(40022);
    const i = plan.argv.indexOf('-netdev');
    expect(resolved.argv.filter((_, j) => j !== i + 1)).toEqual(plan.argv.filter((_, j) => j !== i + 1));
    expect(JSON.parse(resolved.argv[i + 1]!).hostfwd).toContainEqual({ str: 'tcp:127.0.0.1:40022-:22' });
    expect(() => assignHostPorts(plan, { db: 1 })).toThrow('Unknown port label "db"');
    expect(() => assignHostPorts(plan, { ssh: 70000 })).toThrow(/1 to 65535/);
  });

  it('dns: search domains go to dnssearch; servers are not passed but warned about', () => {
    const t = task({ dns: { servers: ['1.1.1.1'], searches: ['lab.local', 'corp.example'] } });
    const plan = buildPlan(t, ctx(t));
    expect(plan.argv).toEqual([...HEAD(), ...CONSOLE, ...QMP, ...DRIVE('ide'),
      ...NET({ type: 'user', id: 'vmdesk-net0', dnssearch: [{ str: 'lab.local' }, { str: 'corp.example' }] }), ...SANDBOX]);
    expect(plan.argv.join(' ')).not.toContain('1.1.1.1');
    expect(plan.warnings.join('\n')).toMatch(/dns\.servers \(1\.1\.1\.1\) not applied/);
  });

  it('guest_agent adds the virtio-serial channel', () => {
    const t = task({ config: { guest_agent: true } });
    expect(buildPlan(t, ctx(t)).argv).toEqual([...HEAD(), ...CONSOLE, ...QMP, ...DRIVE('ide'), ...NET(),
      '-chardev', `socket,id=vmdesk-qga,path=${R}/agent.sock,server=on,wait=off`,
      '-device', 'virtio-serial', '-device', 'virtserialport,chardev=vmdesk-qga,name=org.qemu.guest_agent.0',
      ...SANDBOX]);
  });

  it('graceful_shutdown changes nothing in the argv (QMP is always there)', () => {
    const a = task({ config: { graceful_shutdown: true } });
    const b = task();
    expect(buildPlan(a, ctx(a)).argv).toEqual(buildPlan(b, ctx(b)).argv);
  });

  it('no -sandbox where QEMU cannot sandbox, with a warning', () => {
    const t = task();
    const plan = buildPlan(t, ctx(t, { host: { ...linuxHost, sandboxSupported: false } }));
    expect(plan.argv).not.toContain('-sandbox');
    expect(plan.warnings).toContain('QEMU seccomp sandboxing is not available here; QEMU runs without -sandbox');
  });

  it('args come last, after everything vmdesk needs (so -nodefaults cannot remove the console)', () => {
    const t = task({ config: { args: ['-nodefaults', '-vga', 'none'] } });
    const argv = buildPlan(t, ctx(t)).argv;
    expect(argv.slice(-3)).toEqual(['-nodefaults', '-vga', 'none']);
    expect(argv.indexOf('-serial')).toBeLessThan(argv.indexOf('-nodefaults'));
  });

  it('everything at once', () => {
    const t = task({
      config: { accelerator: 'kvm', machine_type: 'q35', drive_interface: 'virtio', guest_agent: true, graceful_shutdown: true,
        args: ['-snapshot'], port_map: { http: 80 } },
      resources: { memory: 512, cores: 2 }, ports: { http: 8080 }, dns: { searches: ['lab.local'] }, disposable: true,
    });
    expect(buildPlan(t, ctx(t, { uuid: '0f0e0d0c-0b0a-4909-8807-060504030201' })).argv).toEqual([
      '-name', 'guest=web', '-uuid', '0f0e0d0c-0b0a-4909-8807-060504030201', '-machine', 'type=q35,accel=kvm', '-enable-kvm',
      '-m', '512M', '-smp', '2', ...CONSOLE, ...QMP, ...DRIVE('virtio', `${H}/overlay.qcow2`, 'qcow2'),
      ...NET({ type: 'user', id: 'vmdesk-net0', hostfwd: [{ str: 'tcp:127.0.0.1:8080-:80' }, { str: 'udp:127.0.0.1:8080-:80' }], dnssearch: [{ str: 'lab.local' }] }),
      '-chardev', `socket,id=vmdesk-qga,path=${R}/agent.sock,server=on,wait=off`,
      '-device', 'virtio-serial', '-device', 'virtserialport,chardev=vmdesk-qga,name=org.qemu.guest_agent.0',
      ...SANDBOX, '-snapshot',
    ]);
  });

  it('commas in paths are doubled, so they cannot add options', () => {
    const t = task();
    const plan = buildPlan(t, ctx(t, { image: { path: '/tasks/a,format=raw,if=pflash/x.img', format: 'qcow2' } }));
    expect(plan.argv).toContain('file.driver=file,file.filename=/tasks/a,,format=raw,,if=pflash/x.img,format=qcow2,id=vmdesk-disk0,if=ide');
  });
});
