import { describe, expect, it } from 'vitest';
import { argsNotAllowed, commandLine, joinArgs, shellQuote, tokenizeArgs } from '../../../src/renderer/src/lib/args';

describe('tokenizeArgs', () => {
  it.each([
    ['', []],
    ['  -nodefaults  ', ['-nodefaults']],
    ['-device virtio-rng-pci -smp 2', ['-device', 'virtio-rng-pci', '-smp', '2']],
    [`-append "console=ttyS0 quiet"`, ['-append', 'console=ttyS0 quiet']],
    [`-name 'my vm'`, ['-name', 'my vm']],
    [`"a \\"quoted\\" word"`, ['a "quoted" word']],
    [`""`, ['']],
  ])('%j', (text, tokens) => expect(tokenizeArgs(text)).toEqual(tokens));

  it('joinArgs is its inverse', () => {
    for (const tokens of [['-device', 'virtio-rng-pci'], ['-append', 'console=ttyS0 quiet'], ['a "b"', 'c\\d'], ['']]) {
      expect(tokenizeArgs(joinArgs(tokens))).toEqual(tokens);
    }
  });
});

describe('shellQuote / commandLine', () => {
  it('quotes only what needs it', () => {
    expect(shellQuote('-m')).toBe('-m');
    expect(shellQuote('file=/a b.img')).toBe(`'file=/a b.img'`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(shellQuote('{"driver":"qcow2"}')).toBe(`'{"driver":"qcow2"}'`);
    expect(commandLine('/usr/bin/qemu-system-x86_64', ['-m', '256M', '-name', 'my vm'])).toBe(`/usr/bin/qemu-system-x86_64 -m 256M -name 'my vm'`);
  });
});

describe('argsNotAllowed', () => {
  it('checks every option token, as the driver does', () => {
    expect(argsNotAllowed(['-device', 'x', '-monitor', 'stdio'], ['-device'])).toEqual(['-monitor']);
    expect(argsNotAllowed(['--device', 'x'], ['-device'])).toEqual([]);
    expect(argsNotAllowed([' -monitor '], ['-device'])).toEqual(['-monitor']);
    expect(argsNotAllowed(['-anything'], [])).toEqual([]);
  });
});
