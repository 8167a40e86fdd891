import { describe, expect, it } from 'vitest';
import { splitPlainLines, stripAnsiLine } from '../../../src/renderer/src/lib/ansi';

describe('stripAnsiLine', () => {
  it.each([
    ['plain text', 'plain text'],
    ['\x1b[1mbold\x1b[0m and \x1b[31;1mred\x1b[m', 'bold and red'],
    ['\x1b[2J\x1b[1;1HSeaBIOS (version 1.16)', 'SeaBIOS (version 1.16)'],
    ['\x1b]0;title\x07after OSC', 'after OSC'],
    ['\x1bc\x1b[?25lreset then hide cursor', 'reset then hide cursor'],
    ['progress 10%\rprogress 100%', 'progress 100%'],
    ['long line\rshort', 'shortline'],
    ['bell\x07 and tab\tkept', 'bell and tab\tkept'],
    ['trailing CR\r', 'trailing CR'],
  ])('%j -> %j', (raw, plain) => expect(stripAnsiLine(raw)).toBe(plain));
});

describe('splitPlainLines', () => {
  it('splits LF and CRLF lines and returns the partial tail', () => {
    expect(splitPlainLines('a\r\nb\n\x1b[0mc\npart')).toEqual({ lines: ['a', 'b', 'c'], rest: 'part' });
    expect(splitPlainLines('')).toEqual({ lines: [], rest: '' });
    expect(splitPlainLines('done\n')).toEqual({ lines: ['done'], rest: '' });
  });
});
