// The readers the args policy relies on, by tables: QEMU's JSON dialect (single quotes, its escapes, fail
// closed), QemuOpts as QEMU splits it (",,", the implied first key, flags), the -readconfig file format, the
// per-option key classification (what is a path), and the rewriting of listening addresses.
import { describe, expect, it } from 'vitest';
import { bindArgs } from '../../src/main/driver/args-binds';
import { classifyArgs } from '../../src/main/driver/args-policy';
import { argsHostReach } from '../../src/main/driver/args-host-reach';
import { parseQemuConfigFile } from '../../src/main/driver/qemu-config-file';
import { parseQemuJson, QemuJsonError } from '../../src/main/driver/qemu-json';
import { formatQemuOpts, parseQemuOpts } from '../../src/main/driver/qemu-opts-parse';
import { VmdeskError } from '../../src/shared/errors';

describe("QEMU's JSON dialect", () => {
  it.each([
    [`{'driver':'file','filename':'/x'}`, { driver: 'file', filename: '/x' }],
    [`{"a":'it\\'s',"b":"say \\"hi\\""}`, { a: "it's", b: 'say "hi"' }],
    [`{'p':'\\u002fetc\\u002fshadow'}`, { p: '/etc/shadow' }],
    [`{'s':'\\ud83d\\ude00'}`, { s: '😀' }],
    [` { 'n' : -1.5e3 , 'l' : [ true , false , null ] } `, { n: -1500, l: [true, false, null] }],
    [`{'nested':{'file':{'filename':"a\\/b"}}}`, { nested: { file: { filename: 'a/b' } } }],
  ])('reads %s', (text, value) => expect(parseQemuJson(text)).toEqual(value));

  it.each([
    [`{'a':1`, /premature end|expected/],
    [`{'a':1} x`, /after the value/],
    [`{'a':1,'a':2}`, /duplicate key/],
    [`{'a':'\\x41'}`, /invalid escape/],
    [`{'a':'\\u0000'}`, /\\u0000/],
    [`{'a':'\\ud83d'}`, /surrogate/],
    [`{a:1}`, /key must be a string/],
    [`{'a':%s}`, /unexpected/],
    [`{'a':'line\nbreak'}`, /control character/],
    ['['.repeat(1100) + ']'.repeat(1100), /nesting deeper/],
  ])('refuses %s', (text, why) => {
    expect(() => parseQemuJson(text)).toThrow(QemuJsonError);
    expect(() => parseQemuJson(text)).toThrow(why);
  });
});

describe('QemuOpts as QEMU splits it', () => {
  const kv = (s: string, implied?: string) => parseQemuOpts(s, implied).map((i) => [i.key, i.value, i.form]);
  it.each([
    ['a=1,b=2', undefined, [['a', '1', 'pair'], ['b', '2', 'pair']]],
    ['file=a,,b,format=raw', undefined, [['file', 'a,b', 'pair'], ['format', 'raw', 'pair']]],
    ['socket,id=c', 'backend', [['backend', 'socket', 'implied'], ['id', 'c', 'pair']]],
    // The implied value is decided on the raw text: "a,,b=c" is the implied value "a,b=c", not key "a,b".
    ['a,,b=c,d=e', 'file', [['file', 'a,b=c', 'implied'], ['d', 'e', 'pair']]],
    ['server,nowait', 'backend', [['backend', 'server', 'implied'], ['wait', 'off', 'flag']]],
    ['x,server', undefined, [['x', 'on', 'flag'], ['server', 'on', 'flag']]],
    ['path=/a,,b,,,c=d', undefined, [['path', '/a,b,', 'pair'], ['c', 'd', 'pair']]],
  ] as const)('%s (implied %s)', (s, implied, items) => expect(kv(s, implied)).toEqual(items));

  it('writes back what it read', () => {
    for (const s of ['socket,id=c,path=/a,,b,server=on,nowait', 'file=x,,y,format=raw']) {
      const implied = s.startsWith('socket') ? 'backend' : undefined;
      expect(parseQemuOpts(formatQemuOpts(parseQemuOpts(s, implied)), implied)).toEqual(parseQemuOpts(s, implied));
    }
  });
});

describe('-readconfig files as QEMU 7.2 reads them', () => {
  it('reads groups with and without ids, skips comments and empty lines', () => {
    const groups = parseQemuConfigFile('# c\n\n[drive "d0"]\n  file = "a.qcow2"\n  format = "qcow2"\n[machine]\n  type = "pc"\n');
    expect(groups.map((g) => [g.group, g.option, g.items.map((i) => `${i.key}=${i.value}`)])).toEqual([
      ['drive', '-drive', ['id=d0', 'file=a.qcow2', 'format=qcow2']],
      ['machine', '-machine', ['type=pc']],
    ]);
  });
  it.each([
    ['[drive]\nfile="x"\n', /not \[group\]/], // QEMU's sscanf reads 'file="x"' as one key and fails
    ['file = "x"\n', /before any \[group\]/],
    [`[drive]\n  file = "${'a'.repeat(1030)}"\n`, /longer than/],
    ['[drive]\n  file = x\n', /not \[group\]/],
  ])('refuses %j', (text, why) => expect(() => parseQemuConfigFile(text)).toThrow(why));
  it('a group vmdesk does not know has no option', () => expect(parseQemuConfigFile('[weird]\n')[0]!.option).toBeUndefined());
});

describe('what each option reaches (QEMU option tables; unknown keys count as paths)', () => {
  const reach = (...args: string[]) => argsHostReach(classifyArgs(args)).map((r) => [r.kind, r.key ?? null, r.value, r.format ?? null]);
  it.each([
    [['-trace', 'events=./../secret'], [['path', 'events', './../secret', null]]],
    [['-trace', 'file=t.log,enable=virtio*'], [['path', 'file', 't.log', null]]],
    [['-drive', 'file=a.qcow2,format=qcow2,if=virtio'], [['image', 'filename', 'a.qcow2', 'qcow2']]],
    [['-drive', 'file=a,,b.raw,format=raw'], [['image', 'filename', 'a,b.raw', 'raw']]],
    [['-drive', 'file.driver=file,file.filename=b.raw,format=raw'], [['image', 'filename', 'b.raw', 'raw']]],
    [['-blockdev', `{'driver':'qcow2','node-name':'n','file':{'driver':'file','filename':'c.qcow2'}}`], [['image', 'filename', 'c.qcow2', 'qcow2']]],
    [['-blockdev', 'driver=file,node-name=f,filename=d.img'], [['image', 'filename', 'd.img', null]]],
    [['-blockdev', `{'driver':'nbd','server':{'type':'inet','host':'h','port':'1'}}`], [['refused', 'driver', 'nbd', null]]],
    [['-cdrom', 'x.iso'], [['image', null, 'x.iso', null]]],
    [['-object', `{'qom-type':'memory-backend-file','id':'m','size':1048576,'mem-path':'/dev/shm/x'}`], [['path', 'mem-path', '/dev/shm/x', null]]],
    [['-object', `{'qom-type':'memory-backend-file','mem-path':'/x'`], [['unparsable', null, `{'qom-type':'memory-backend-file','mem-path':'/x'`, null]]],
    [['-netdev', 'user,id=n,net=10.0.2.0/24,hostfwd=tcp::2222-:22'], []],
    [['-netdev', 'user,id=n,guestfwd=tcp:10.0.2.100:80-cmd:nc h 80'], [['command', 'guestfwd', 'tcp:10.0.2.100:80-cmd:nc h 80', null]]],
    [['-device', 'virtio-net-pci,netdev=n,mac=52:54:00:12:34:56,romfile=../r.rom'], [['path', 'romfile', '../r.rom', null]]],
    [['-device', 'usb-host,hostbus=1,hostaddr=2'], [['path', 'hostbus', '1', null], ['path', 'hostaddr', '2', null], ['refused', null, 'usb-host', null]]],
    [['-serial', 'unix:/tmp/s,,x,server=on'], [['path', null, '/tmp/s,x', null]]],
    [['-serial', 'mon:file:../log'], [['path', null, '../log', null]]],
    [['-serial', 'weird:thing'], [['unparsable', null, 'weird:thing', null]]],
    [['-acpitable', 'data=a.bin:../b.bin'], [['path', 'data', 'a.bin', null], ['path', 'data', '../b.bin', null]]],
    [['-m', '512', '-smp', '2'], []],
    [['-vnc', 'unix:../v.sock'], [['path', 'vnc', '../v.sock', null]]],
    [['-some-new-option', '../x'], [['path', '', '../x', null]]],
  ])('%j', (args, found) => expect(reach(...args)).toEqual(found));
});

describe('listening addresses bound to port_bind_address', () => {
  it.each([
    [['-netdev', 'user,id=n,hostfwd=tcp::2222-:22'], ['-netdev', 'user,id=n,hostfwd=tcp:127.0.0.1:2222-:22']],
    [['-netdev', 'user,id=n,hostfwd=udp:127.0.0.1:53-:53,hostfwd=::80-:80'], ['-netdev', 'user,id=n,hostfwd=udp:127.0.0.1:53-:53,hostfwd=tcp:127.0.0.1:80-:80']],
    [['-netdev', `{'type':'user','id':'n','hostfwd':[{'str':'tcp::8080-:80'}]}`], ['-netdev', '{"type":"user","id":"n","hostfwd":[{"str":"tcp:127.0.0.1:8080-:80"}]}']],
    [['-vnc', ':17'], ['-vnc', '127.0.0.1:17']],
    [['-vnc', ':1,websocket=5701'], ['-vnc', '127.0.0.1:1,websocket=127.0.0.1:5701']],
    [['-display', 'vnc=:3'], ['-display', 'vnc=127.0.0.1:3']],
    [['-gdb', 'tcp::1234'], ['-gdb', 'tcp:127.0.0.1:1234']],
    [['-s'], ['-gdb', 'tcp:127.0.0.1:1234']],
    [['-chardev', 'socket,id=c,port=4000,server=on,wait=off'], ['-chardev', 'socket,id=c,port=4000,server=on,wait=off,host=127.0.0.1']],
    [['-chardev', 'socket,id=c,path=s.sock,server=on'], ['-chardev', 'socket,id=c,path=s.sock,server=on']],
    [['-chardev', 'socket,id=c,host=10.0.0.1,port=22'], ['-chardev', 'socket,id=c,host=10.0.0.1,port=22']], // a client: connects, does not listen
    [['-chardev', 'udp,id=u,port=9,localport=5000'], ['-chardev', 'udp,id=u,port=9,localport=5000,localaddr=127.0.0.1']],
    [['-serial', 'tcp::4444,server=on,wait=off'], ['-serial', 'tcp:127.0.0.1:4444,server=on,wait=off']],
    [['-monitor', 'mon:telnet::4445,server,nowait'], ['-monitor', 'mon:telnet:127.0.0.1:4445,server,nowait']],
    [['-serial', 'tcp:10.0.0.1:4444'], ['-serial', 'tcp:10.0.0.1:4444']],
    [['-incoming', 'tcp::4446'], ['-incoming', 'tcp:127.0.0.1:4446']],
    [['-incoming', 'defer'], ['-incoming', 'defer']],
    [['-spice', 'port=5930,disable-ticketing=on'], ['-spice', 'port=5930,disable-ticketing=on,addr=127.0.0.1']],
    [['-netdev', 'socket,id=s,listen=:1234'], ['-netdev', 'socket,id=s,listen=127.0.0.1:1234']],
    [['-netdev', 'stream,id=s,server=on,addr.type=inet,addr.port=1235'], ['-netdev', 'stream,id=s,server=on,addr.type=inet,addr.port=1235,addr.host=127.0.0.1']],
  ])('%j', (args, bound) => expect(bindArgs(args, '127.0.0.1', true).args).toEqual(bound));

  it.each([
    [['-netdev', 'user,id=n,hostfwd=tcp:0.0.0.0:22222-:80'], /hostfwd "tcp:0.0.0.0:22222-:80" listens on "0.0.0.0"/],
    [['-vnc', '0.0.0.0:17'], /VNC listens on "0.0.0.0"/],
    [['-vnc', 'localhost:1'], /VNC listens on "localhost"/],
    [['-vnc', ':1,websocket=on'], /websocket=on listens where vmdesk cannot tell/],
    [['-gdb', 'tcp:0.0.0.0:1234'], /listens on "0.0.0.0"/],
    [['-chardev', 'socket,id=c,host=0.0.0.0,port=4000,server=on'], /a server socket chardev listens on "0.0.0.0"/],
    [['-incoming', 'tcp:[::]:4444'], /IPv6/],
    [['-spice', 'port=5930,addr=0.0.0.0'], /SPICE listens on "0.0.0.0"/],
    [['-netdev', 'socket,id=s,mcast=230.0.0.1:1234'], /multicast/],
    [['-netdev', `{'type':'stream','id':'s','server':true,'addr':{'type':'inet','host':'0.0.0.0','port':'1'}}`], /addr\.host listens on "0\.0\.0\.0"/],
  ])('refuses %j with an allowlist', (args, why) => {
    let err: unknown;
    try {
      bindArgs(args, '127.0.0.1', true);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VmdeskError);
    expect((err as VmdeskError).code).toBe('ARG_NOT_ALLOWED');
    expect((err as VmdeskError).message).toMatch(why);
    expect((err as VmdeskError).message).toMatch(/port_bind_address is 127\.0\.0\.1: listen on 127\.0\.0\.1/);
  });

  it('without an allowlist leaves a foreign host as written and warns', () => {
    const r = bindArgs(['-vnc', '0.0.0.0:17', '-gdb', 'tcp::1234'], '127.0.0.1', false);
    expect(r.args).toEqual(['-vnc', '0.0.0.0:17', '-gdb', 'tcp:127.0.0.1:1234']);
    expect(r.warnings).toEqual([expect.stringMatching(/"-vnc 0\.0\.0\.0:17": VNC listens on "0\.0\.0\.0".*args_allowlist is empty/)]);
  });
});
