// The host memory warning (host-memory.ts): a VM asking for (nearly) all of the host's RAM is flagged.
import { describe, expect, it } from 'vitest';
import { hostMemoryWarning } from '../../src/main/app/host-memory';

const GiB = 1024 ** 3;

describe('hostMemoryWarning', () => {
  it('flags memory above 90% of the host, and says which case it is', () => {
    expect(hostMemoryWarning(32000, 24 * GiB)).toMatch(
      /^32000 MiB is more memory than this host has \(24 GiB\).*lower the memory/,
    );
    expect(hostMemoryWarning(23 * 1024, 24 * GiB)).toMatch(/nearly all of this host’s memory/);
    expect(hostMemoryWarning(2048, 24 * GiB)).toBeUndefined();
    expect(hostMemoryWarning(Math.floor(24 * 1024 * 0.9), 24 * GiB)).toBeUndefined();
    expect(hostMemoryWarning(4096, 0)).toBeUndefined(); // host size unknown: no guess
  });
});
