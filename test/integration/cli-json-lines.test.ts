// Every `vmdesk` command with `--json` prints exactly one parseable line on stdout, on success and on failure
// (README, "--json output"). The commands come from the CLI's own table (src/cli/commands/index.ts): a new
// command without cases here fails the first test. Commands that have no --json (a console, a log, a job
// document) must still answer `--json` with one line: their usage error. Real QEMU booting the real test guest
// (one VM for the VM commands), a real HTTP server for artifacts, the FAKE Nomad API (no cluster here).
// Also: `vmdesk inspect` right after `vmdesk agent NAME ifaces` reports the agent as last seen, with when.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commands } from '../../src/cli/commands/index';
import type { VmInfo } from '../../src/shared/vm';
import { startArtifactServer, type ArtifactServer } from '../helpers/artifact-server';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { vmdesk, type CliResult } from '../helpers/cli';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { startFakeNomad, type FakeNomad } from '../helpers/fake-nomad-server';
import { guestDisk, guestMarkers } from '../helpers/guest';
import type { TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

vi.setConfig({ testTimeout: 420_000, hookTimeout: 240_000 });

const NOMAD_TOKEN = 'json-lines-token';
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/nomad/${name}`, import.meta.url));

let t: TempHome;
let server: ArtifactServer;
let nomad: FakeNomad;
let vmTask: string;
const markers = guestMarkers();

/** One run of a command: its arguments (computed when it runs) and the exit status it must have. */
interface Step {
  args: () => string[];
  code: number;
  /** Optional checks on the parsed line. */
  check?: (line: Record<string, unknown>) => void;
}

/** A command's cases: runs that succeed and runs that fail; `noJson` says why a command has no --json. */
interface JsonCases {
  ok?: Step[];
  fail: Step[];
  noJson?: string;
}

const usage = (args: string[]): Step => ({ args: () => args, code: 2, check: (l) => expect(l.error).toMatchObject({ code: 'BAD_REQUEST' }) });

/** The cases by command, in the order they run (the VM is started, used, then stopped and removed). */
const cases: Record<string, JsonCases> = {
  plan: { ok: [{ args: () => ['plan', vmTask, '--json'], code: 0 }], fail: [{ args: () => ['plan', join(t.home, 'bad.task.json'), '--json'], code: 2 }] },
  doctor: { ok: [{ args: () => ['doctor', '--json'], code: 0 }], fail: [usage(['doctor', '--bogus', '--json'])] },
  import: {
    ok: [{ args: () => ['import', fixture('api-job.json'), '--out', join(t.home, 'imported'), '--json'], code: 0, check: (l) => expect(l.tasks).toHaveLength(1) }],
    fail: [
      { args: () => ['import', fixture('missing-brace.hcl'), '--out', join(t.home, 'imported2'), '--json'], code: 2 },
      { args: () => ['import', join(t.home, 'no-such-job.hcl'), '--json'], code: 1 },
    ],
  },
  export: { noJson: 'writes a Nomad job document (--format json), not a result', fail: [usage(['export', 'web', '--json'])] },
  nomad: {
    ok: [{ args: () => ['nomad', 'submit', vmTask, '--address', nomad.address, '--token', NOMAD_TOKEN, '--timeout', '30s', '--json'], code: 0, check: (l) => expect(l.outcome).toBe('running') }],
    fail: [
      { args: () => ['nomad', 'submit', vmTask, '--address', nomad.address, '--token', 'wrong-token', '--json'], code: 1, check: (l) => expect(l.error).toMatchObject({ code: 'NOMAD_ERROR' }) },
      usage(['nomad', 'resubmit', '--json']),
    ],
  },
  demo: {
    ok: [{ args: () => ['demo', '--detach', '--json'], code: 0, check: (l) => (trackPid((l.vm as VmInfo).pid), expect(l.url).toMatch(/^http:/)) }],
    fail: [{ args: () => ['demo', '--detach', '--json'], code: 1, check: (l) => expect(l.error).toMatchObject({ code: 'VM_RUNNING' }) }, usage(['demo', '--json'])],
  },
  run: { noJson: 'the foreground console is the output', fail: [usage(['run', 'web.task.json', '--json'])] },
  start: {
    ok: [
      {
        args: () => ['start', vmTask, '--json'],
        code: 0,
        check: (l) => trackPid((l.vm as VmInfo).pid),
      },
    ],
    fail: [{ args: () => ['start', join(t.home, 'no-such.task.json'), '--json'], code: 1 }],
  },
  test: {
    ok: [{ args: () => ['test', writeGuestTask(t, 'jt', guestDisk), '--spec', spec(), '--results', join(t.home, 'results'), '--json'], code: 0 }],
    fail: [{ args: () => ['test', join(t.home, 'no-such.task.json'), '--json'], code: 2 }],
  },
  agent: {
    ok: [
      { args: () => ['agent', 'web', 'ping', '--json'], code: 0 },
      { args: () => ['agent', 'web', 'ifaces', '--json'], code: 0, check: (l) => expect(l.interfaces).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'lo' })])) },
    ],
    fail: [{ args: () => ['agent', 'nosuch', 'ping', '--json'], code: 1 }, usage(['agent', 'web', 'frobnicate', '--json'])],
  },
  ls: { ok: [{ args: () => ['ls', '--json'], code: 0 }], fail: [usage(['ls', '--bogus', '--json'])] },
  inspect: { ok: [{ args: () => ['inspect', 'web', '--json'], code: 0 }], fail: [{ args: () => ['inspect', 'nosuch', '--json'], code: 1 }] },
  logs: { noJson: 'prints the console log itself', fail: [usage(['logs', 'web', '--json'])] },
  events: { ok: [{ args: () => ['events', 'web', '--json'], code: 0 }], fail: [{ args: () => ['events', 'nosuch', '--json'], code: 1 }] },
  stats: { ok: [{ args: () => ['stats', 'web', '--json'], code: 0 }], fail: [{ args: () => ['stats', 'nosuch', '--json'], code: 1 }] },
  ssh: { ok: [{ args: () => ['ssh', 'web', '--print', '--json'], code: 0 }], fail: [{ args: () => ['ssh', 'nosuch', '--print', '--json'], code: 1 }, usage(['ssh', 'web', '--json'])] },
  screenshot: { ok: [{ args: () => ['screenshot', 'web', '--out', join(t.home, 'shot.png'), '--json'], code: 0 }], fail: [{ args: () => ['screenshot', 'nosuch', '--json'], code: 1 }] },
  'send-keys': { ok: [{ args: () => ['send-keys', 'web', 'shift', '--json'], code: 0 }], fail: [{ args: () => ['send-keys', 'nosuch', 'ret', '--json'], code: 1 }] },
  type: { ok: [{ args: () => ['type', 'web', 'x', '--json'], code: 0 }], fail: [{ args: () => ['type', 'nosuch', 'x', '--json'], code: 1 }] },
  snapshot: { ok: [{ args: () => ['snapshot', 'web', 'ls', '--json'], code: 0 }], fail: [{ args: () => ['snapshot', 'web', 'restore', 'no-such-tag', '--json'], code: 1 }] },
  fetch: { ok: [{ args: () => ['fetch', artifactTask(), '--json'], code: 0 }], fail: [{ args: () => ['fetch', 'nosuch', '--json'], code: 1 }] },
  pull: {
    ok: [{ args: () => ['pull', server.url('/f/hello.txt'), '--out', join(t.home, 'pulled'), '--json'], code: 0 }],
    fail: [{ args: () => ['pull', server.url('/status/404'), '--out', join(t.home, 'pulled'), '--json'], code: 1 }],
  },
  cache: { ok: [{ args: () => ['cache', 'ls', '--json'], code: 0 }], fail: [{ args: () => ['cache', 'rm', 'no-such-entry', '--json'], code: 2 }] },
  stop: { ok: [{ args: () => ['stop', 'web', '--json'], code: 0 }], fail: [{ args: () => ['stop', 'nosuch', '--json'], code: 1 }] },
  rm: { ok: [{ args: () => ['rm', 'web', '--json'], code: 0 }], fail: [{ args: () => ['rm', 'nosuch', '--json'], code: 1 }] },
};

function spec(): string {
  const path = join(t.home, 'jt.spec.json');
  writeFileSync(path, JSON.stringify({ checks: [{ name: 'boots', console: markers.ready, timeout: '5m' }] }));
  return path;
}

function artifactTask(): string {
  const dir = join(t.home, 'art');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'art.json');
  writeFileSync(path, JSON.stringify({ name: 'art', config: { image_path: 'local/hello.txt' }, artifacts: [{ source: server.url('/f/hello.txt'), destination: 'local/hello.txt', mode: 'file' }] }));
  return path;
}

/** Asserts one line of JSON on stdout with the given exit status; returns the parsed line. */
function oneLine(r: CliResult, args: string[], code: number): Record<string, unknown> {
  const what = `vmdesk ${args.join(' ')} (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  expect(r.code, what).toBe(code);
  expect(r.stdout.endsWith('\n'), what).toBe(true);
  expect(r.stdout.slice(0, -1), what).not.toContain('\n');
  const line = JSON.parse(r.stdout) as Record<string, unknown>;
  expect(line.ok, what).toBe(code === 0);
  if (code !== 0) expect(line.error, what).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  return line;
}

async function runStep(step: Step): Promise<Record<string, unknown>> {
  const args = step.args();
  const line = oneLine(await vmdesk(args, t.env, 400_000), args, step.code);
  step.check?.(line);
  return line;
}

const consoleLog = () => {
  try {
    return readFileSync(join(t.home, 'vms', 'web', 'console.log'), 'latin1');
  } catch {
    return '';
  }
};

beforeAll(async () => {
  t = makeCliHome();
  trackDir(t.runtimeDir);
  trackDir(t.home);
  writeFileSync(join(t.home, 'hello.txt'), 'hello\n');
  server = await startArtifactServer({ 'hello.txt': join(t.home, 'hello.txt') });
  nomad = await startFakeNomad({ token: NOMAD_TOKEN });
  // cloud_init gives `vmdesk ssh --print` something to print (the test guest ignores the seed).
  vmTask = writeGuestTask(t, 'web', guestDisk);
  const task = JSON.parse(readFileSync(vmTask, 'utf8')) as { config: Record<string, unknown>; ports: Record<string, number> };
  task.config.port_map = { http: 80, ssh: 22 };
  task.config.cloud_init = {};
  task.ports = { http: 0, ssh: 0 };
  writeFileSync(vmTask, JSON.stringify(task));
  writeFileSync(join(t.home, 'bad.task.json'), JSON.stringify({ name: 'bad', config: { image_path: 'nope.img', args: ['-monitor', 'stdio'] } }));
});
afterAll(async () => {
  await vmdesk(['stop', 'web', '--force'], t.env, 60_000);
  await vmdesk(['stop', 'jt', '--force'], t.env, 60_000);
  await vmdesk(['stop', 'demo', '--force'], t.env, 60_000);
  killTracked();
  await server?.close();
  await nomad?.close();
  t?.remove();
});

describe('--json is one line for every command', () => {
  it('has success and failure cases for every command in the CLI table (or says why it has no --json)', () => {
    const names = commands.map((c) => c.name);
    expect(Object.keys(cases).sort()).toEqual([...names].sort());
    for (const name of names) {
      const c = cases[name]!;
      expect(c.fail.length, `${name} needs a failing case`).toBeGreaterThan(0);
      expect((c.ok?.length ?? 0) > 0 || c.noJson !== undefined, `${name} needs a succeeding case or a reason it has no --json`).toBe(true);
      // A command without --json says so in its usage; one with it names it.
      const usageLine = commands.find((x) => x.name === name)!.usage;
      expect(usageLine.includes('--json'), `${name}'s usage and its cases disagree about --json`).toBe(c.noJson === undefined);
    }
  });

  it('an unknown command with --json: one line too', async () => {
    const line = oneLine(await vmdesk(['frobnicate', '--json'], t.env), ['frobnicate', '--json'], 2);
    expect(line.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('frobnicate') });
  });

  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: one line on success and on failure`, async () => {
      if (name === 'demo') {
        // Once it has answered: no second guest booting beside the test's own.
        for (const step of [...(c.ok ?? []), ...c.fail]) await runStep(step);
        expect((await vmdesk(['stop', 'demo', '--force'], t.env)).code).toBe(0);
        return;
      }
      if (name === 'agent') await waitFor('the guest to boot', () => consoleLog().includes(`${markers.tick} 1`), 300_000, 500);
      for (const step of c.ok ?? []) await runStep(step);
      for (const step of c.fail) await runStep(step);
      if (name === 'agent') {
        // Right after `vmdesk agent web ifaces` (another process), inspect says what was last seen, and when.
        const seen = await runStep({ args: () => ['inspect', 'web', '--json'], code: 0 });
        const vm = seen.vm as VmInfo;
        expect(vm.agent).toBe('responding');
        expect(Date.parse(vm.agentSeenAt ?? '')).toBeGreaterThan(Date.now() - 120_000);
        const text = await vmdesk(['inspect', 'web'], t.env);
        expect(text.stdout).toMatch(/^guest agent\s+responding \(seen \d{4}-\d\d-\d\dT/m);
      }
    });
  }
});
