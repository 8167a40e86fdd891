// How `vmdesk test` leaves the VM, with the real test guests under TCG (issue #16): the guest that ignores the
// ACPI power button fails `shutdown` (the stop ladder goes on to quit) and is stopped all the same; `--keep`
// leaves a failed run's VM running, says how to stop it, and the test's cleanup stops it with that command.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { killTracked, pidsMentioning, trackDir } from '../helpers/cleanup';
import { json, vmdesk } from '../helpers/cli';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { guestDisk, guestDiskNoPower, guestMarkers } from '../helpers/guest';
import type { TempHome } from '../helpers/temp-home';
import { expectNoVms, readJunitCases, readReport, writeSpec } from '../helpers/test-cli';
import type { TestReport } from '../../src/shared/test-report';

vi.setConfig({ testTimeout: 480_000, hookTimeout: 240_000 });

let t: TempHome;
let markers: ReturnType<typeof guestMarkers>;

beforeAll(() => {
  markers = guestMarkers();
  t = makeCliHome();
  trackDir(t.runtimeDir);
});
afterEach(() => {
  trackDir(t.runtimeDir);
  killTracked();
});
afterAll(() => {
  killTracked();
  t?.remove();
});

describe('vmdesk test: how the VM ends', () => {
  it('the guest that ignores the power button fails shutdown, and its VM is stopped anyway', async () => {
    const task = writeGuestTask(t, 'nopower', guestDiskNoPower, { kill_timeout: '10s' });
    const checks = [
      { name: 'boots', console: markers.ready, timeout: '4m' },
      { name: 'powers off', shutdown: true, timeout: '10s' },
    ];
    const results = join(t.home, 'results-nopower');
    const r = await vmdesk(['test', task, '--spec', writeSpec(t, 'nopower', checks), '--results', results], t.env, 420_000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('✗ powers off: the guest did not power off on the ACPI power button; the stop ladder went on to quit');
    const run = readReport(results).runs[0]!;
    expect(run.checks.map((c) => [c.name, c.status])).toEqual([
      ['boots', 'passed'],
      ['powers off', 'failed'],
    ]);
    expect(run.checks[1]!.evidence).toMatchObject({ step: 'quit' });
    expect(run.stoppedBy).toBe('quit');
    // The guest saw the button and ignored it: its acpid said so on the console the run kept.
    expect(readFileSync(join(results, 'console.log'), 'utf8')).toContain(markers.powerButtonIgnored);
    expect(readJunitCases(results)[1]!.failure?.type).toBe('shutdown');
    await expectNoVms(t);
  });

  it('--keep leaves a failed run\'s VM running and names how to stop it; that command stops it', async () => {
    const task = writeGuestTask(t, 'kept', guestDisk, { kill_timeout: '10s' });
    const checks = [
      { name: 'boots', console: markers.ready, timeout: '4m' },
      { name: 'wrong banner', console: 'NEVER-PRINTED', timeout: '5s' },
    ];
    const r = await vmdesk(['test', task, '--spec', writeSpec(t, 'kept', checks), '--keep', '--json'], t.env, 420_000);
    expect(r.code, r.stderr).toBe(1);
    const report = json<{ report: TestReport }>(r).report;
    const vm = report.runs[0]!.vm;
    expect(report.runs[0]!.stoppedBy).toBe('kept');
    expect(r.stderr).toContain(`vmdesk test: --keep: ${vm} is still running; stop it with vmdesk stop ${vm} && vmdesk rm ${vm}`);
    try {
      // Still running after vmdesk test exited, and after another vmdesk command (which cleans up killed tests' VMs).
      expect(pidsMentioning(t.runtimeDir).length).toBeGreaterThan(0);
      const info = json<{ vm: { name: string; state: string } }>(await vmdesk(['inspect', vm, '--json'], t.env));
      expect(info.vm).toMatchObject({ name: vm, state: 'running' });
      const agent = await vmdesk(['agent', vm, 'exec', '--', '/bin/uname', '-s'], t.env, 240_000);
      expect(agent.stdout, agent.stderr).toContain('Linux');
    } finally {
      // The cleanup the message names.
      const stop = await vmdesk(['stop', vm], t.env, 240_000);
      expect(stop.code, stop.stderr).toBe(0);
      expect((await vmdesk(['rm', vm], t.env)).code).toBe(0);
    }
    await expectNoVms(t);
  });
});
