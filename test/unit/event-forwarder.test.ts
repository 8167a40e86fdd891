// Console batching: output is coalesced per VM, rate-limited per flush, and the oldest bytes are dropped
// (and reported) when the renderer falls behind.
import { afterEach, describe, expect, it } from 'vitest';
import { createEventForwarder } from '../../src/main/ipc/event-forwarder';

type Sent = { channel: string; payload: { name: string; data: string; offset: number; dropped?: number } };

function collect() {
  const sent: Sent[] = [];
  return { sent, send: (channel: string, payload: unknown) => sent.push({ channel, payload: payload as Sent['payload'] }) };
}
const bytes = (s: string) => new TextEncoder().encode(s);
const decode = (b64: string) => Buffer.from(b64, 'base64').toString('latin1');
const until = async (cond: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in 5 s');
    await new Promise((r) => setTimeout(r, 5));
  }
};

let close: (() => void) | undefined;
afterEach(() => close?.());

describe('createEventForwarder', () => {
  it('sends plain events at once on their channel', () => {
    const c = collect();
    const f = createEventForwarder(c.send);
    close = f.close;
    f.emit('vmRemoved', { name: 'web' });
    expect(c.sent).toEqual([{ channel: 'vmdesk:vmRemoved', payload: { name: 'web' } }]);
  });

  it('keeps a copy of console bytes: the caller may reuse its buffer at once', async () => {
    const c = collect();
    const f = createEventForwarder(c.send, { flushMs: 20 });
    close = f.close;
    const buf = Buffer.from('first');
    f.console('web', buf, 5);
    buf.write('XXXXX'); // the console follower reads its next chunk into the same buffer
    await until(() => c.sent.length === 1);
    expect(decode(c.sent[0]!.payload.data)).toBe('first');
  });

  it('coalesces console chunks of one VM into one message with the end offset', async () => {
    const c = collect();
    const f = createEventForwarder(c.send, { flushMs: 20 });
    close = f.close;
    f.console('web', bytes('hello '), 106);
    f.console('web', bytes('world'), 111);
    f.console('db', bytes('x'), 1);
    await until(() => c.sent.length >= 2);
    const web = c.sent.find((s) => s.payload.name === 'web')!;
    expect(web.channel).toBe('vmdesk:consoleData');
    expect(decode(web.payload.data)).toBe('hello world');
    expect(web.payload.offset).toBe(111);
    expect(web.payload.dropped).toBeUndefined();
    expect(c.sent.filter((s) => s.payload.name === 'web')).toHaveLength(1);
  });

  it('splits a large backlog into bounded messages with consistent offsets', async () => {
    const c = collect();
    const f = createEventForwarder(c.send, { flushMs: 1, maxBytesPerFlush: 4, maxPendingBytes: 100 });
    close = f.close;
    f.console('web', bytes('abcdefghij'), 10);
    await until(() => c.sent.length === 3);
    expect(c.sent.map((s) => decode(s.payload.data))).toEqual(['abcd', 'efgh', 'ij']);
    expect(c.sent.map((s) => s.payload.offset)).toEqual([4, 8, 10]);
  });

  it('drops the oldest bytes beyond the backlog limit and says how many', async () => {
    const c = collect();
    const f = createEventForwarder(c.send, { flushMs: 1, maxBytesPerFlush: 100, maxPendingBytes: 5 });
    close = f.close;
    f.console('web', bytes('0123456789'), 10);
    await until(() => c.sent.length === 1);
    expect(decode(c.sent[0]!.payload.data)).toBe('56789');
    expect(c.sent[0]!.payload).toMatchObject({ offset: 10, dropped: 5 });
  });

  it('sends nothing after close', async () => {
    const c = collect();
    const f = createEventForwarder(c.send, { flushMs: 1 });
    f.console('web', bytes('late'), 4);
    f.close();
    f.emit('vmRemoved', { name: 'web' });
    await new Promise((r) => setTimeout(r, 30));
    expect(c.sent).toEqual([]);
  });
});
