// QMP line framing and message classification: table cases over split and merged chunks.
import { describe, expect, it } from 'vitest';
import { encodeCommand, LineFramer, parseQmpLine, SENTINEL } from '../../src/main/qmp/framing';

const greeting = '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": ""}, "capabilities": ["oob"]}}';

describe('LineFramer', () => {
  const cases: Array<{ name: string; chunks: string[]; lines: string[] }> = [
    { name: 'one whole line', chunks: ['{"return": {}}\r\n'], lines: ['{"return": {}}'] },
    { name: 'line split in three', chunks: ['{"ret', 'urn": ', '{}}\r\n'], lines: ['{"return": {}}'] },
    { name: 'two lines merged in one chunk', chunks: ['{"a":1}\r\n{"b":2}\r\n'], lines: ['{"a":1}', '{"b":2}'] },
    { name: 'merged with a partial tail', chunks: ['{"a":1}\n{"b"', ':2}\n'], lines: ['{"a":1}', '{"b":2}'] },
    { name: 'CR and LF split across chunks', chunks: ['{"a":1}\r', '\n'], lines: ['{"a":1}'] },
    { name: 'blank lines skipped', chunks: ['\r\n\n{"a":1}\n\n'], lines: ['{"a":1}'] },
    { name: 'unfinished line is held back', chunks: ['{"a":1}\n{"b":'], lines: ['{"a":1}'] },
    { name: 'byte-by-byte', chunks: [...'{"x":"é"}\n'], lines: ['{"x":"é"}'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const f = new LineFramer();
      const out: string[] = [];
      // Feed as raw bytes, so a multi-byte UTF-8 character split across chunks is also covered.
      const bytes = c.chunks.map((s) => Buffer.from(s, 'utf8'));
      if (c.name === 'byte-by-byte') {
        for (const b of Buffer.concat(bytes)) out.push(...f.push(Uint8Array.of(b)));
      } else {
        for (const b of bytes) out.push(...f.push(b));
      }
      expect(out).toEqual(c.lines);
    });
  }

  it('discards everything up to the sentinel after expectSentinel()', () => {
    const f = new LineFramer();
    f.expectSentinel();
    expect(f.push(Buffer.from('{"return": 1}\n{"error": {"class":"x","desc":"stray"}}\n'))).toEqual([]);
    expect(f.waitingForSentinel).toBe(true);
    const tail = Buffer.concat([Buffer.from('junk'), Buffer.from([SENTINEL]), Buffer.from('{"return": 42}\n')]);
    expect(f.push(tail)).toEqual(['{"return": 42}']);
    expect(f.waitingForSentinel).toBe(false);
  });

  it('refuses an endless line instead of growing without bound', () => {
    const f = new LineFramer();
    const big = Buffer.alloc(1024 * 1024, 0x61);
    expect(() => {
      for (let i = 0; i < 20; i++) f.push(big);
    }).toThrow(/longer than/);
  });
});

describe('parseQmpLine', () => {
  const cases: Array<{ line: string; expected: unknown }> = [
    { line: greeting, expected: { kind: 'greeting', capabilities: ['oob'] } },
    { line: '{"return": {}, "id": "vmdesk-1"}', expected: { kind: 'return', id: 'vmdesk-1', value: {} } },
    { line: '{"return": 123}', expected: { kind: 'return', value: 123 } },
    {
      line: '{"error": {"class": "CommandNotFound", "desc": "The command foo has not been found"}, "id": "vmdesk-2"}',
      expected: { kind: 'error', id: 'vmdesk-2', errorClass: 'CommandNotFound', desc: 'The command foo has not been found' },
    },
    {
      line: '{"timestamp": {"seconds": 1, "microseconds": 5}, "event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-shutdown"}}',
      expected: { kind: 'event', event: 'SHUTDOWN', data: { guest: true, reason: 'guest-shutdown' }, timestamp: { seconds: 1, microseconds: 5 } },
    },
    { line: '{"timestamp": {"seconds": 1, "microseconds": 5}, "event": "STOP"}', expected: { kind: 'event', event: 'STOP', data: {} } },
  ];
  for (const c of cases) {
    it(`classifies ${c.line.slice(0, 40)}`, () => {
      expect(parseQmpLine(c.line)).toMatchObject(c.expected as object);
    });
  }
  it.each(['[1,2]', '42', '{"neither": 1}', 'not json'])('rejects %s', (line) => {
    expect(() => parseQmpLine(line)).toThrow();
  });
});

describe('encodeCommand', () => {
  it('writes execute, arguments and id on one line', () => {
    expect(encodeCommand('query-status', undefined, 'vmdesk-3')).toBe('{"execute":"query-status","id":"vmdesk-3"}\n');
    expect(encodeCommand('guest-exec-status', { pid: 7 })).toBe('{"execute":"guest-exec-status","arguments":{"pid":7}}\n');
  });
});
