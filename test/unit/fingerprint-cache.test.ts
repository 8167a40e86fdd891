// The cross-process cache of the host fingerprint's QEMU probes: its key (what makes a cached answer stale), and
// how it treats a missing, garbage, foreign or hostile file (a miss, never trusted; the next write replaces it).
// Real files in a temporary directory; probeHost runs a counting wrapper around the real QEMU.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FINGERPRINT_CACHE_ENTRIES,
  fingerprintCacheFile,
  fingerprintCacheKey,
  fingerprintKeyInputs,
  readCachedProbes,
  writeCachedProbes,
  type CachedProbes,
} from '../../src/main/driver/fingerprint-cache';
import { probeHost } from '../../src/main/driver/fingerprint';

let dir: string;
let emulator: string;
let counter: string;
const probes: CachedProbes = { kvm: { device: false, accessible: false, usable: false, detail: 'no /dev/kvm' }, sandbox: { supported: true, detail: 'accepted' } };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vmdesk-fpcache-'));
  mkdirSync(join(dir, 'bin'));
  emulator = join(dir, 'bin', 'qemu-system-x86_64');
  counter = join(dir, 'runs');
  writeFileSync(counter, '');
  // A wrapper emulator that counts its runs, then is the real QEMU.
  writeFileSync(emulator, `#!/bin/sh\necho run >> '${counter}'\nexec /usr/bin/qemu-system-x86_64 "$@"\n`, { mode: 0o755 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keyNow = async (version = '1.0.0') => fingerprintCacheKey(await fingerprintKeyInputs([emulator], emulator, version, 'linux'));
const runs = () => readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;

describe('fingerprintCacheKey', () => {
  it('is stable for the same binaries and changes when the emulator is touched, replaced or vmdesk changes', async () => {
    const first = await keyNow();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyNow()).toBe(first);
    expect(await keyNow('1.0.1')).not.toBe(first);
    const later = new Date(Date.now() + 5000);
    utimesSync(emulator, later, later);
    const touched = await keyNow();
    expect(touched).not.toBe(first);
    writeFileSync(emulator, `${readFileSync(emulator, 'utf8')}# grown\n`);
    expect(await keyNow()).not.toBe(touched);
  });

  it('covers /dev/kvm presence and access, the platform and the probe binary', () => {
    const base = { vmdeskVersion: '1', platform: 'linux', emulators: [{ binary: '/b/q', realPath: '/b/q', size: 1, mtimeMs: 2, ino: 3 }], probeBinary: '/b/q', kvm: { present: true, accessible: false } };
    const k = fingerprintCacheKey(base);
    expect(fingerprintCacheKey({ ...base, kvm: { present: true, accessible: true } })).not.toBe(k);
    expect(fingerprintCacheKey({ ...base, kvm: { present: false, accessible: false } })).not.toBe(k);
    expect(fingerprintCacheKey({ ...base, platform: 'darwin' })).not.toBe(k);
    expect(fingerprintCacheKey({ ...base, emulators: [{ ...base.emulators[0]!, ino: 4 }] })).not.toBe(k);
    const { probeBinary: _p, ...noProbe } = base;
    expect(fingerprintCacheKey(noProbe)).not.toBe(k);
  });

  it('lives in $XDG_CACHE_HOME/vmdesk, else ~/.cache/vmdesk (a relative XDG_CACHE_HOME is ignored)', () => {
    expect(fingerprintCacheFile({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/vmdesk/host-fingerprint.json');
    expect(fingerprintCacheFile({ XDG_CACHE_HOME: 'rel' })).toMatch(/\/\.cache\/vmdesk\/host-fingerprint\.json$/);
  });
});

describe('the cache file', () => {
  it('misses without a file, hits after a write, misses for another key', async () => {
    const file = join(dir, 'c1', 'vmdesk', 'host-fingerprint.json');
    const key = await keyNow();
    expect(await readCachedProbes(file, key)).toEqual({ hit: false, reason: 'no cache file yet' });
    await writeCachedProbes(file, key, probes, new Date('2026-01-02T03:04:05Z'));
    expect(await readCachedProbes(file, key)).toEqual({ hit: true, probes, savedAt: '2026-01-02T03:04:05.000Z' });
    expect((await readCachedProbes(file, 'f'.repeat(64))).hit).toBe(false);
  });

  it('a garbage, malformed or hostile file is a miss with the reason, and the next write replaces it', async () => {
    const file = join(dir, 'c2', 'host-fingerprint.json');
    mkdirSync(join(dir, 'c2'));
    const key = await keyNow();
    writeFileSync(file, 'not json at all', { mode: 0o600 });
    expect(await readCachedProbes(file, key)).toMatchObject({ hit: false, reason: expect.stringMatching(/not valid JSON/) });
    // An entry claiming the sandbox is unsupported, with a key that matches, but an extra field: not trusted.
    writeFileSync(file, JSON.stringify({ format: 1, entries: [{ key, savedAt: 'x', probes: { ...probes, sandbox: { supported: false, detail: 'x', evil: 1 } } }] }));
    expect(await readCachedProbes(file, key)).toMatchObject({ hit: false, reason: expect.stringMatching(/entries\.0\.probes\.sandbox/) });
    // A well-formed file that others may write: not trusted either.
    writeFileSync(file, JSON.stringify({ format: 1, entries: [{ key, savedAt: 'x', probes }] }));
    chmodSync(file, 0o666);
    expect(await readCachedProbes(file, key)).toMatchObject({ hit: false, reason: expect.stringMatching(/writable by others/) });
    await writeCachedProbes(file, key, probes);
    expect(await readCachedProbes(file, key)).toMatchObject({ hit: true, probes });
  });

  it('keeps at most FINGERPRINT_CACHE_ENTRIES entries, newest first', async () => {
    const file = join(dir, 'c3', 'host-fingerprint.json');
    for (let i = 0; i <= FINGERPRINT_CACHE_ENTRIES; i++) await writeCachedProbes(file, i.toString(16).padStart(64, '0'), probes);
    const entries = (JSON.parse(readFileSync(file, 'utf8')) as { entries: Array<{ key: string }> }).entries;
    expect(entries).toHaveLength(FINGERPRINT_CACHE_ENTRIES);
    expect(entries[0]!.key).toBe(FINGERPRINT_CACHE_ENTRIES.toString(16).padStart(64, '0'));
    expect((await readCachedProbes(file, '0'.repeat(64))).hit).toBe(false);
  });
});

describe('probeHost with a cache file', () => {
  it('runs QEMU once, answers the same from the cache, and probes again when the emulator changes or on refresh', async () => {
    const file = join(dir, 'c4', 'host-fingerprint.json');
    const env = { PATH: join(dir, 'bin') };
    const before = runs();
    const first = await probeHost(env, 'linux', { versions: false, cacheFile: file });
    expect(first.probes).toMatchObject({ source: 'probe', file });
    expect(runs()).toBeGreaterThan(before);
    const afterFirst = runs();
    const second = await probeHost(env, 'linux', { versions: false, cacheFile: file });
    expect(second.probes).toMatchObject({ source: 'cache', file });
    expect(runs()).toBe(afterFirst);
    expect({ kvm: second.kvm, sandbox: second.sandbox }).toEqual({ kvm: first.kvm, sandbox: first.sandbox });
    const later = new Date(Date.now() + 10_000);
    utimesSync(emulator, later, later);
    expect((await probeHost(env, 'linux', { versions: false, cacheFile: file })).probes).toMatchObject({ source: 'probe', missReason: expect.stringMatching(/changed/) });
    const afterTouch = runs();
    expect(afterTouch).toBeGreaterThan(afterFirst);
    expect((await probeHost(env, 'linux', { versions: false, cacheFile: file, refresh: true })).probes).toMatchObject({ source: 'probe', missReason: 'refresh asked for' });
    expect(runs()).toBeGreaterThan(afterTouch);
  });
});
