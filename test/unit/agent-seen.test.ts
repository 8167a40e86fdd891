// The persisted "guest agent as last seen" (agent.json): only the run it was seen in counts, junk is ignored,
// and a write is read back by the next process. Real files in a temp dir.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAgentSeen, readAgentSeen, writeAgentSeen } from '../../src/main/supervisor/agent-seen';

const dir = mkdtempSync(join(tmpdir(), 'vmdesk-agent-seen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = '2026-12-04T03:00:00.000Z';

describe('agent.json', () => {
  it.each([
    ['this run, responding', { status: 'responding', at: run, startedAt: run }, { status: 'responding', at: run }],
    ['this run, not responding', { status: 'not-responding', at: run, startedAt: run }, { status: 'not-responding', at: run }],
    ['an earlier run of the VM', { status: 'responding', at: run, startedAt: '2026-12-03T00:00:00.000Z' }, undefined],
    ['an unknown status', { status: 'maybe', at: run, startedAt: run }, undefined],
    ['a time that is not one', { status: 'responding', at: 'soon', startedAt: run }, undefined],
    ['not an object', 'responding', undefined],
  ])('%s', (_what, raw, expected) => {
    expect(parseAgentSeen(raw, run)).toEqual(expected);
  });

  it('reads back what was written, for the same run only; a torn file is "not known"', async () => {
    expect(readAgentSeen(dir, run)).toBeUndefined();
    await writeAgentSeen(dir, run, { status: 'responding', at: '2026-12-04T03:00:05.000Z' });
    expect(readAgentSeen(dir, run)).toEqual({ status: 'responding', at: '2026-12-04T03:00:05.000Z' });
    expect(readAgentSeen(dir, '2026-12-04T04:00:00.000Z')).toBeUndefined();
    expect(readAgentSeen(dir, undefined)).toBeUndefined();
    writeFileSync(join(dir, 'agent.json'), '{"status":"respo');
    expect(readAgentSeen(dir, run)).toBeUndefined();
  });
});
