// The supervisor's file-level machinery on real files and real processes: per-VM lock (live and stale
// holders), state records (atomic write, corrupt ones quarantined), lossless log rotation while a writer
// keeps appending, and the console follower's back-pressure.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomicVisible } from '../../src/main/supervisor/atomic-file';
import { readRecordUuid } from '../../src/main/supervisor/state-record';
import { acquireLock, lockPath } from '../../src/main/supervisor/lock';
import { liveStart, rotateIfNeeded } from '../../src/main/supervisor/log-rotation';
import { FOLLOW_CHUNK_BYTES, FOLLOW_MAX_CHUNK_BYTES, followFile, nextChunkSize } from '../../src/main/supervisor/file-follower';
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { waitFor } from '../helpers/wait-for';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vmdesk-files-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('per-VM lock', () => {
  it('refuses a second holder while the first lives, naming it', async () => {
    // A real other process holding the lock: a child node that takes it and waits.
    const vmDir = join(dir, 'vm');
    mkdirSync(vmDir);
    const holder = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(lockPath(vmDir))}, JSON.stringify({pid: process.pid, at: 'now', purpose: 'start'})); setTimeout(() => {}, 60000)`]);
    try {
      await waitFor('the child to take the lock', () => existsSync(lockPath(vmDir)) && readFileSync(lockPath(vmDir), 'utf8').includes(String(holder.pid)));
      await expect(acquireLock(vmDir, 'stop')).rejects.toThrow(new RegExp(`pid ${holder.pid}.*"start"`));
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a stale lock whose owner is dead, and releases only its own', async () => {
    const vmDir = join(dir, 'vm');
    mkdirSync(vmDir);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lockPath(vmDir), JSON.stringify({ pid: Number(dead.stdout), at: 'then', purpose: 'start' }));
    const lock = await acquireLock(vmDir, 'stop');
    expect(JSON.parse(readFileSync(lockPath(vmDir), 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lockPath(vmDir))).toBe(false);
  });
});

describe('state records', () => {
  it('quarantines a corrupt record instead of crashing, and reports it as an event', async () => {
    const home = join(dir, 'home');
    const vmDir = join(home, 'vms', 'broken');
    mkdirSync(vmDir, { recursive: true });
    writeFileSync(join(vmDir, 'vm.json'), '{"version": 1, "name": "broken", "sta'); // half-written
    const sup = createSupervisor({ home, env: { VMDESK_RUNTIME_DIR: join(dir, 'rt') }, driverConfig: () => DEFAULT_DRIVER_CONFIG });
    expect(await sup.recover()).toEqual([]);
    const files = readdirSync(vmDir);
    expect(files.some((f) => f.startsWith('vm.json.corrupt-'))).toBe(true);
    expect(files).not.toContain('vm.json');
    const events = await sup.events('broken');
    expect(events.at(-1)).toMatchObject({ kind: 'error', type: 'record-quarantined' });
    await expect(sup.inspect('broken')).rejects.toMatchObject({ code: 'VM_NOT_FOUND' });
    await sup.close();
  });
});

describe('visible-now, durable-soon writes (the records of a live VM)', () => {
  it('another process reads the new content as soon as the call returns, before the background fsync; no temp file is left', async () => {
    const path = join(dir, 'vm.json');
    writeFileSync(path, 'old\n');
    const durable = writeFileAtomicVisible(path, 'new\n');
    // A separate process (as after a SIGKILL of this one): it sees the page cache, not this process's state.
    const seen = spawnSync(process.execPath, ['-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(path)}, 'utf8'))`], { encoding: 'utf8' });
    expect(seen.stdout).toBe('new\n');
    await durable;
    expect(readdirSync(dir)).toEqual(['vm.json']);
  });

  it('the background fsync settles (never rejects) when the directory is removed meanwhile', async () => {
    const sub = join(dir, 'vm');
    mkdirSync(sub);
    const durable = writeFileAtomicVisible(join(sub, 'vm.json'), '{}\n');
    rmSync(sub, { recursive: true, force: true });
    await expect(durable).resolves.toBeUndefined();
  });
});

describe('log rotation', () => {
  it('never loses a byte while another process keeps appending (copy, then punch the head)', async () => {
    const log = join(dir, 'console.log');
    writeFileSync(log, '');
    // A real writer appending numbered lines through its own O_APPEND fd, like QEMU's logfile.
    const writer = spawn(process.execPath, [
      '-e',
      `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(log)},'a');let i=0;const t=setInterval(()=>{let s='';for(let k=0;k<20;k++)s+='line '+(i++)+' '+'x'.repeat(40)+'\\n';fs.writeSync(fd,s);if(i>=20000){clearInterval(t);process.exit(0)}},1);`,
    ]);
    const done = new Promise((r) => writer.on('exit', r));
    let rotations = 0;
    while (writer.exitCode === null) {
      const r = await rotateIfNeeded(log, 64 * 1024, 1000);
      if (r.rotated) rotations++;
      if ('unsupported' in r) throw new Error(`hole punching unsupported here: ${r.unsupported}`);
      await new Promise((res) => setTimeout(res, 5));
    }
    await done;
    // Whatever the machine's speed, rotate what is left too (each rotation moves at most half the data).
    for (let r = await rotateIfNeeded(log, 64 * 1024, 1000); r.rotated; r = await rotateIfNeeded(log, 64 * 1024, 1000)) rotations++;
    expect(rotations).toBeGreaterThanOrEqual(2);
    // Archives oldest first (.N .. .1), then the live part of the file.
    const archives = readdirSync(dir)
      .filter((f) => /^console\.log\.\d+$/.test(f))
      .map((f) => Number(f.split('.').pop()))
      .sort((a, b) => b - a)
      .map((n) => readFileSync(join(dir, `console.log.${n}`)));
    const live = readFileSync(log).subarray(liveStart(log));
    const all = Buffer.concat([...archives, live]).toString('utf8').split('\n').filter(Boolean);
    expect(all.length).toBe(20000);
    all.forEach((line, i) => expect(line.startsWith(`line ${i} `)).toBe(true));
  });
});

describe('console follower', () => {
  it('streams appended bytes in order and reads ahead only after the subscriber finishes', async () => {
    const log = join(dir, 'c.log');
    writeFileSync(log, 'old\n');
    const got: Buffer[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const f = followFile(
      log,
      async (chunk) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const kept = Buffer.from(chunk); // the chunk is the follower's buffer, valid until this callback settles
        await new Promise((r) => setTimeout(r, 5)); // a slow consumer
        expect(chunk.equals(kept)).toBe(true); // not overwritten while the callback runs
        got.push(kept);
        inFlight--;
      },
      { fromOffset: 'end' },
    );
    const big = Buffer.alloc(300 * 1024, 0x61);
    appendFileSync(log, big);
    appendFileSync(log, 'tail\n');
    await waitFor('all bytes', () => Buffer.concat(got).length === big.length + 5, 20_000, 20);
    f.stop();
    expect(Buffer.concat(got).toString('latin1').endsWith('atail\n')).toBe(true);
    expect(Buffer.concat(got).includes('old')).toBe(false);
    expect(maxInFlight).toBe(1);
    expect(Math.max(...got.map((c) => c.length))).toBeLessThanOrEqual(FOLLOW_MAX_CHUNK_BYTES);
  });

  it('delivers a large file whole and in order through its one reused read buffer', async () => {
    const log = join(dir, 'big.log');
    // 3 MiB of numbered lines: a chunk that is stale or read twice shows as a wrong byte.
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`line ${String(i).padStart(8, '0')} of the console\n`); // 3.2 MB
    const text = Buffer.from(lines.join(''), 'latin1');
    writeFileSync(log, text);
    const got: Buffer[] = [];
    const f = followFile(log, (chunk) => void got.push(Buffer.from(chunk)), { fromOffset: 0 });
    await waitFor('all bytes', () => got.reduce((n, c) => n + c.length, 0) >= text.length, 20_000, 20);
    f.stop();
    expect(Buffer.concat(got).equals(text)).toBe(true);
  });

  it('grows its read buffer only while reads come back full, up to the cap', () => {
    expect(nextChunkSize(FOLLOW_CHUNK_BYTES, FOLLOW_CHUNK_BYTES)).toBe(2 * FOLLOW_CHUNK_BYTES);
    expect(nextChunkSize(FOLLOW_CHUNK_BYTES, 100)).toBe(FOLLOW_CHUNK_BYTES);
    expect(nextChunkSize(FOLLOW_MAX_CHUNK_BYTES, FOLLOW_MAX_CHUNK_BYTES)).toBe(FOLLOW_MAX_CHUNK_BYTES);
  });
});

describe('readRecordUuid (the exit path: whose run the VM directory holds)', () => {
  it('names the uuid, says missing when there is no record, and undefined when it cannot tell', () => {
    const vmDir = join(dir, 'vm');
    mkdirSync(vmDir);
    expect(readRecordUuid(vmDir)).toBe('missing');
    writeFileSync(join(vmDir, 'vm.json'), JSON.stringify({ uuid: 'abc', state: 'running' }));
    expect(readRecordUuid(vmDir)).toBe('abc');
    writeFileSync(join(vmDir, 'vm.json'), '{"uuid": "ab'); // torn
    expect(readRecordUuid(vmDir)).toBeUndefined();
    writeFileSync(join(vmDir, 'vm.json'), 'null');
    expect(readRecordUuid(vmDir)).toBeUndefined();
  });
});
