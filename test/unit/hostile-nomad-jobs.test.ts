// Hostile Nomad jobs through the importer (importJobText: HashiCorp's HCL2 parser, API JSON, the driver's
// policy): each is refused with an error diagnostic and no task to write; a few go through the built CLI
// (`vmdesk import`) to show nothing is written. Also: with an EMPTY args_allowlist every argument is allowed
// (Nomad's semantics), and the warnings say so.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkArgs } from '../../src/main/driver/args-policy';
import { importJobText } from '../../src/main/nomad/import-job';
import { DEFAULT_DRIVER_CONFIG, type DriverConfig } from '../../src/shared/driver-config';
import { vmdesk } from '../helpers/cli';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vmdesk-hnj-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A one-task HCL job with `config` and `extra` spliced in as HCL text. */
const hcl = (config: string, extra = '') => `job "j" {\n  group "g" {\n    task "vm" {\n      driver = "qemu"\n      config {\n        image_path = "local/disk.qcow2"\n${config}\n      }\n${extra}\n    }\n  }\n}\n`;
/** The same as API JSON. */
const apiJson = (config: Record<string, unknown>, task: Record<string, unknown> = {}) =>
  JSON.stringify({ Job: { ID: 'j', Name: 'j', TaskGroups: [{ Name: 'g', Tasks: [{ Name: 'vm', Driver: 'qemu', Config: { image_path: 'local/disk.qcow2', ...config }, ...task }] }] } });

interface JobCase {
  title: string;
  text: string;
  config?: Partial<DriverConfig>;
  message: RegExp;
}

const allow = (...o: string[]) => ({ args_allowlist: o });
const cases: JobCase[] = [
  // Malformed
  { title: 'HCL: missing closing brace', text: 'job "j" {\n group "g" {\n', message: /invalid HCL/ },
  { title: 'HCL: unterminated string', text: 'job "j" {\n  group "g" { task "vm" { driver = "qemu\n } } }', message: /invalid HCL/ },
  { title: 'HCL: binary garbage', text: '\u0000\u0001\u0002{{{', message: /invalid (HCL|job)/ },
  { title: 'JSON: truncated', text: '{"Job": {"ID": "j", "TaskGroups": [', message: /invalid (HCL|job)/ },
  { title: 'JSON: TaskGroups is a string', text: '{"Job":{"ID":"j","TaskGroups":"x"}}', message: /invalid job|TaskGroups/ },
  { title: 'JSON: deeply nested (100,000 levels)', text: `{"Job":{"ID":"j","Meta":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`, message: /invalid job|no task/ },
  { title: 'no qemu task at all', text: 'job "j" {\n group "g" {\n task "t" {\n driver = "docker"\n }\n }\n}\n', message: /has no task with driver = "qemu"/ },
  // Image places and prefixes
  { title: 'image_path traversal', text: hcl('', '').replace('local/disk.qcow2', '../../../etc/shadow'), message: /not in the allowed paths/ },
  { title: 'image_path absolute outside', text: hcl('').replace('local/disk.qcow2', '/etc/passwd'), message: /not in the allowed paths/ },
  { title: 'image_path json:', text: apiJson({ image_path: 'json:{"driver":"file","filename":"/etc/shadow"}' }), message: /"json:" protocol prefixes are not allowed/ },
  { title: 'image_path nbd:', text: apiJson({ image_path: 'nbd://10.0.0.1/x' }), message: /"nbd:" protocol/ },
  { title: 'image_path file:', text: apiJson({ image_path: 'file:/etc/passwd' }), message: /"file:" protocol/ },
  { title: 'image_path with a newline', text: apiJson({ image_path: 'local/d.qcow2\n-hda /etc/passwd' }), message: /control characters/ },
  // args
  { title: 'args -drive not allowed', text: hcl('        args = ["-drive", "file=/etc/passwd"]'), config: allow('-snapshot'), message: /"-drive" is not in args_allowlist/ },
  { title: 'allowed -drive reaching /etc/passwd', text: hcl('        args = ["-drive", "file=/etc/passwd,format=raw"]'), config: allow('-drive'), message: /outside the task's directory and image_paths/ },
  { title: 'allowed -netdev guestfwd cmd:', text: hcl('        args = ["-netdev", "user,id=n,guestfwd=tcp:10.0.2.9:1-cmd:sh"]'), config: allow('-netdev'), message: /runs a host command/ },
  { title: 'allowed -netdev smb=/', text: hcl('        args = ["-netdev", "user,id=n,smb=/"]'), config: allow('-netdev'), message: /outside the task's directory/ },
  { title: 'allowed -readconfig outside', text: hcl('        args = ["-readconfig", "/etc/x.cfg"]'), config: allow('-readconfig'), message: /outside the task's directory/ },
  { title: 'allowed -plugin outside', text: hcl('        args = ["-plugin", "file=/tmp/evil.so"]'), config: allow('-plugin'), message: /outside the task's directory/ },
  { title: 'allowed -L outside', text: hcl('        args = ["-L", "/usr/share"]'), config: allow('-L'), message: /outside the task's directory/ },
  { title: 'allowed -bios outside', text: hcl('        args = ["-bios", "/tmp/bios.bin"]'), config: allow('-bios'), message: /outside the task's directory/ },
  { title: '-daemonize', text: hcl('        args = ["-daemonize"]'), message: /-daemonize" cannot be used/ },
  { title: 'args with leading space around an allowed option', text: hcl('        args = [" -snapshot"]'), config: allow('-snapshot'), message: /white space/ },
  // Strings with QEMU syntax
  { title: 'machine_type with a comma', text: hcl('        machine_type = "pc,accel=kvm"'), message: /machine_type/ },
  { title: 'accelerator with options', text: hcl('        accelerator = "tcg,thread=multi"'), message: /accelerator/ },
  { title: 'drive_interface with options', text: hcl('        drive_interface = "ide,file=/etc/passwd"'), message: /drive_interface/ },
  { title: 'emulator not allowed', text: hcl('        emulator = "aarch64"'), config: { emulators_allowlist: ['x86_64'] }, message: /'aarch64' is not an allowed emulator/ },
  // Ports, DNS, resources
  { title: 'port_map label unknown', text: hcl('        port_map { db = 5432 }'), message: /port/i },
  { title: 'port_map guest port 70000', text: apiJson({ port_map: [{ http: 70000 }] }, { Resources: { Networks: [{ DynamicPorts: [{ Label: 'http' }] }] } }), message: /port/i },
  { title: 'DNS server with options', text: apiJson({}, { Resources: { Networks: [{ DNS: { Servers: ['1.1.1.1,hostfwd=tcp::22-:22'] } }] } }), message: /DNS|dns/ },
  { title: 'memory 64', text: hcl('', '      resources { memory = 64 }'), message: /QEMU memory assignment out of bounds/ },
];

describe('hostile Nomad jobs are refused by the importer', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_t, c) => {
    const r = await importJobText(c.text, {
      outDir: join(root, 'vms'),
      home: join(root, 'home'),
      driverConfig: { ...DEFAULT_DRIVER_CONFIG, ...c.config },
      allocId: () => '11111111-2222-3333-4444-555555555555',
      pickHostPort: () => 24000,
    });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(false);
    expect(errors.map((e) => e.message).join('\n')).toMatch(c.message);
  });

  it('a task name with ../ becomes a safe VM name inside outDir (renamed, with an info diagnostic)', async () => {
    const r = await importJobText(hcl('').replace('task "vm"', 'task "../../etc"'), {
      outDir: join(root, 'vms'), home: join(root, 'home'), driverConfig: DEFAULT_DRIVER_CONFIG, pickHostPort: () => 24000,
    });
    expect(r.tasks.map((t) => [t.name, t.taskFile])).toEqual([['etc', join(root, 'vms', 'etc', 'etc.json')]]);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ kind: 'renamed', message: expect.stringMatching(/VM name "etc"/) }));
  });

  it('through the CLI: a hostile job exits non-zero, says why, and writes nothing', async () => {
    const dir = join(root, 'cli');
    mkdirSync(dir);
    writeFileSync(join(dir, 'job.hcl'), hcl('        args = ["-netdev", "user,id=n,guestfwd=tcp:10.0.2.9:1-cmd:sh"]'));
    const home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ driver: { args_allowlist: ['-netdev'] } }));
    const r = await vmdesk(['import', join(dir, 'job.hcl'), '--out', join(dir, 'vms')], { ...process.env, VMDESK_HOME: home });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/runs a host command/);
    expect(readdirSync(dir).sort()).toEqual(['home', 'job.hcl']);
    expect(readdirSync(home)).toEqual(['settings.json']);
  });
});

describe('an empty args_allowlist allows every argument (Nomad semantics), and the warnings say so', () => {
  const place = { taskDir: '/tasks/web', imagePaths: [] };
  it.each([
    [['-netdev', 'user,id=n,guestfwd=tcp:10.0.2.9:1-cmd:sh'], /runs a host command; args_allowlist is empty, so every argument is allowed \(Nomad's semantics\)/],
    [['-drive', 'file=/etc/passwd,format=raw'], /gives QEMU a host file; args_allowlist is empty, so the task may use any option \(Nomad's semantics\)/],
    [['-plugin', 'file=/tmp/evil.so'], /gives QEMU a host file; args_allowlist is empty/],
    [['-readconfig', '/etc/x.cfg'], /gives QEMU a host file; args_allowlist is empty/],
    [['-L', '/usr/share/qemu'], /gives QEMU a host file; args_allowlist is empty/],
    [['-bios', '/tmp/bios.bin'], /gives QEMU a host file; args_allowlist is empty/],
    [['-incoming', 'exec:sh'], /runs a host command; args_allowlist is empty/],
  ])('%j plans with a warning', (args, warning) => {
    expect(checkArgs(args, [], place).join('\n')).toMatch(warning);
  });

  it('the same args inside the allowed places pass a non-empty allowlist without error', () => {
    expect(() => checkArgs(['-drive', 'file=extra.qcow2,format=qcow2,if=virtio', '-kernel', 'boot/vmlinuz', '-netdev', 'user,id=n,tftp=tftp'], ['-drive', '-kernel', '-netdev'], place)).not.toThrow();
    expect(() => checkArgs(['-drive', 'file=/images/a.qcow2'], ['-drive'], { taskDir: '/tasks/web', imagePaths: ['/images'] })).not.toThrow();
  });

});
