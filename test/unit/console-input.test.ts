// The escape key of `vmdesk run` on a terminal: bytes before Ctrl-] go to the guest, Ctrl-] stops the VM.
import { describe, expect, it } from 'vitest';
import { ESCAPE_BYTE, splitAtEscape } from '../../src/cli/console-input';

describe('splitAtEscape', () => {
  it('forwards everything without the escape key, and what comes before it with', () => {
    expect(splitAtEscape(Buffer.from('ls\r'))).toEqual({ forward: Buffer.from('ls\r'), escape: false });
    const r = splitAtEscape(Buffer.from([0x61, 0x03, ESCAPE_BYTE, 0x62]));
    expect([...r.forward]).toEqual([0x61, 0x03]); // Ctrl-C (0x03) is the guest's
    expect(r.escape).toBe(true);
  });
});
