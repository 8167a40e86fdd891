// The app's Logs tab after a console log rotates: the readLog handler (over a real supervisor and a real
// log that a real process appends to while it is rotated) pages through the archives and the live part in
// order, never the punched hole; and the engine's page reader's pure parts by table.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTaskJson } from '../../src/main/app/task-store';
import { vmDir, vmLogFile, vmPaths } from '../../src/main/store/paths';
import { logSegments, readLogRange, utf8PrefixLength } from '../../src/main/supervisor/log-read';
import { liveStart, rotateIfNeeded } from '../../src/main/supervisor/log-rotation';
import type { AppServices } from '../../src/main/app/services';
import { nodeAppServices } from '../helpers/app-services';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

let t: TempHome;
let services: ReturnType<typeof nodeAppServices>;
let app: AppServices;

beforeEach(async () => {
  t = makeTempHome();
  services = nodeAppServices(t);
  app = services.app;
  await writeTaskJson(t.home, 'web', { name: 'web', config: { image_path: 'web.img' } });
  mkdirSync(vmDir(t.home, 'web'), { recursive: true });
});

afterEach(async () => {
  await services.close();
  t.remove();
});

/** Appends `count` numbered lines to `log` from another process (its own O_APPEND fd, as QEMU's logfile) while rotating it. */
async function writeWhileRotating(log: string, count: number, maxBytes: number, archives: number): Promise<number> {
  writeFileSync(log, '');
  const writer = spawn(process.execPath, [
    '-e',
    `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(log)},'a');let i=0;const t=setInterval(()=>{let s='';for(let k=0;k<50;k++)s+='line '+(i++)+' é'+'x'.repeat(40)+'\\n';fs.writeSync(fd,s);if(i>=${count}){clearInterval(t);process.exit(0)}},1);`,
  ]);
  const done = new Promise((r) => writer.on('exit', r));
  let rotations = 0;
  try {
    while (writer.exitCode === null) {
      const r = await rotateIfNeeded(log, maxBytes, archives);
      if ('unsupported' in r) throw new Error(`hole punching unsupported here: ${r.unsupported}`);
      if (r.rotated) rotations++;
      await new Promise((res) => setTimeout(res, 5));
    }
  } finally {
    writer.kill('SIGKILL');
    await done;
  }
  for (let r = await rotateIfNeeded(log, maxBytes, archives); r.rotated; r = await rotateIfNeeded(log, maxBytes, archives)) rotations++;
  return rotations;
}

/** Every page the app's handler returns, from `offset` 0 to the end, as the Logs tab reads them. */
async function readAllPages(stream: 'console' | 'stderr', limit: number) {
  const pages = [];
  let offset = 0;
  for (;;) {
    const page = await app.handlers.readLog!({ name: 'web', stream, offset, limit });
    pages.push(page);
    if (page.nextOffset >= page.size || page.nextOffset === page.offset) return pages;
    offset = page.nextOffset;
  }
}

describe("the app's readLog after rotation", () => {
  it('pages through the archives and the live part in order: every line once, no NUL byte', async () => {
    const log = vmLogFile(t.home, 'web', 'console');
    const rotations = await writeWhileRotating(log, 6000, 32 * 1024, 1000);
    expect(rotations).toBeGreaterThanOrEqual(2);
    expect(liveStart(log)).toBeGreaterThan(0); // the head of the live file is a hole now
    const pages = await readAllPages('console', 10_000);
    const text = pages.map((p) => p.text).join('');
    expect(text).not.toContain('\0');
    expect(text).not.toContain('\uFFFD'); // no 'é' cut in two at a page boundary
    const lines = text.split('\n').filter(Boolean);
    expect(lines.length).toBe(6000);
    lines.forEach((line, i) => expect(line.startsWith(`line ${i} `)).toBe(true));
    expect(pages[0]!.offset).toBe(0);
    expect(pages.every((p) => p.dropped === undefined)).toBe(true);
  });

  it('starts at the oldest byte still on disk and says how many bytes rotation dropped', async () => {
    const log = vmLogFile(t.home, 'web', 'stderr');
    await writeWhileRotating(log, 6000, 16 * 1024, 1);
    const pages = await readAllPages('stderr', 64 * 1024);
    expect(pages[0]!.dropped).toBeGreaterThan(0);
    expect(pages[0]!.offset).toBe(pages[0]!.dropped);
    const text = pages.map((p) => p.text).join('');
    expect(text).not.toContain('\0');
    // The first line may be cut by the drop; the ones after it follow in order up to the last line written.
    const lines = text.split('\n').filter(Boolean).slice(1);
    const first = Number(/^line (\d+) /.exec(lines[0]!)![1]);
    expect(first).toBeGreaterThan(0);
    lines.forEach((line, i) => expect(line.startsWith(`line ${first + i} `)).toBe(true));
    expect(lines.at(-1)!.startsWith('line 5999 ')).toBe(true);
  });

  it('answers a VM without a log with an empty page, and an unknown VM with VM_NOT_FOUND', async () => {
    await expect(app.handlers.readLog!({ name: 'web', stream: 'console' })).resolves.toEqual({ text: '', offset: 0, nextOffset: 0, size: 0 });
    await expect(app.handlers.readLog!({ name: 'nope', stream: 'console' })).rejects.toMatchObject({ code: 'VM_NOT_FOUND' });
  });
});

describe('log page reader (pure parts)', () => {
  it.each([
    ['no rotation', [], { start: 0, size: 10 }, [[0, 10, 0]]],
    ['one archive ending at the live start', [100], { start: 100, size: 150 }, [[0, 100, 0], [100, 150, 100]]],
    ['archives oldest first; what is older was dropped', [40, 60], { start: 300, size: 320 }, [[200, 240, 0], [240, 300, 0], [300, 320, 300]]],
    ['archive deleted by hand: the live part only', [], { start: 300, size: 320 }, [[300, 320, 300]]],
    ['archives longer than the log: the excess skipped', [80, 50], { start: 100, size: 100 }, [[0, 50, 30], [50, 100, 0]]],
  ])('%s', (_what, sizes, live, want) => {
    const archives = sizes.map((size, i) => ({ path: `a${i}`, size }));
    const got = logSegments(archives, { path: 'live', ...live }).map((s) => [s.start, s.end, s.fileOffset]);
    expect(got).toEqual(want);
  });

  it.each([
    ['ascii', 'abc', 3],
    ['a whole é', 'aé', 3],
    ['é cut after its lead byte', Buffer.from('aé').subarray(0, 2), 1],
    ['€ cut after two of three bytes', Buffer.from('a€').subarray(0, 3), 1],
    ['a whole 4-byte character', 'a😀', 5],
    ['😀 cut after three of four bytes', Buffer.from('a😀').subarray(0, 4), 1],
  ])('UTF-8 prefix: %s', (_what, input, want) => expect(utf8PrefixLength(Buffer.from(input))).toBe(want));

  it('vmLogFile and vmDir name the files vmPaths gives a running VM', () => {
    const p = vmPaths('/h', 'web', { disposable: true, guestAgent: true }, { VMDESK_RUNTIME_DIR: '/r' });
    expect([vmLogFile('/h', 'web', 'console'), vmLogFile('/h', 'web', 'stderr'), vmDir('/h', 'web')]).toEqual([p.consoleLog, p.stderrLog, p.vmDir]);
  });

  it('a page asked for past the end is empty at the end', () => {
    const log = vmLogFile(t.home, 'web', 'console');
    writeFileSync(log, 'hello\n');
    expect(readLogRange(log, 100, 10)).toMatchObject({ offset: 6, nextOffset: 6, size: 6, dropped: 0 });
  });
});
