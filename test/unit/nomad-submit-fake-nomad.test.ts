// Submit against a FAKE Nomad HTTP API (test/helpers/fake-nomad-server.ts): no Nomad cluster can run here.
// The last test runs the same submission against a real `nomad agent -dev` when a nomad binary is on PATH.
import { execa } from 'execa';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NomadRequestError } from '../../src/main/nomad/nomad-client';
import { resolveNomadTarget } from '../../src/main/nomad/nomad-target';
import { submitTask, type SubmitEvent } from '../../src/main/nomad/submit';
import { parseTask, type Task } from '../../src/shared/task';
import { startFakeNomad, type FakeNomad } from '../helpers/fake-nomad-server';

const TOKEN = 'c0ffee00-secret-token-value';
const bin = fileURLToPath(new URL('../../bin/vmdesk.js', import.meta.url));

function task(name: string): Task {
  const r = parseTask({ name, config: { image_path: 'disk.qcow2', port_map: { http: 80 } }, ports: { http: 0 }, resources: { memory: 256 } });
  if (!r.ok) throw new Error(r.message);
  return r.task;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let fake: FakeNomad;
beforeEach(async () => {
  fake = await startFakeNomad({ token: TOKEN });
});
afterEach(async () => {
  await fake.close();
});

describe('submit (FAKE Nomad API)', () => {
  it('registers the job, follows evaluation and allocation, reports task events until running', async () => {
    const events: SubmitEvent[] = [];
    const r = await submitTask(task('web'), { address: fake.address, token: TOKEN, namespace: 'lab', region: 'eu' }, { pollMs: 10, onEvent: (e) => events.push(e), artifactUrl: 'https://images.example.com/disk.qcow2' });
    expect(r).toMatchObject({ jobId: 'web', outcome: 'running', allocId: expect.any(String) });
    expect(events.map((e) => e.kind)).toEqual(['registered', 'evaluation', 'evaluation', 'allocation', 'task-event', 'task-event', 'task-state', 'allocation', 'task-event', 'task-state']);
    expect(events.filter((e) => e.kind === 'task-event').map((e) => (e as { type: string }).type)).toEqual(['Received', 'Task Setup', 'Started']);

    const register = fake.requests[0]!;
    expect(register).toMatchObject({ method: 'POST', path: '/v1/jobs', token: TOKEN, query: { namespace: 'lab', region: 'eu' } });
    const job = (register.body as { Job: Record<string, unknown> }).Job;
    expect(job).toMatchObject({ ID: 'web', Namespace: 'lab', Region: 'eu' });
    const t = (job.TaskGroups as Array<{ Tasks: Array<Record<string, unknown>> }>)[0]!.Tasks[0]!;
    expect(t).toMatchObject({ Driver: 'qemu', Resources: { MemoryMB: 256, Cores: 1 }, Artifacts: [{ GetterSource: 'https://images.example.com/disk.qcow2' }] });
    // Every request carries the token and the namespace and region.
    expect(fake.requests.every((q) => q.token === TOKEN && q.query.namespace === 'lab' && q.query.region === 'eu')).toBe(true);
  });

  it('shows a 403 as Nomad says it, with a hint, and never the token', async () => {
    const err = await submitTask(task('web'), { address: fake.address, token: 'wrong-token-123' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NomadRequestError);
    const e = err as NomadRequestError;
    expect(e.failure).toBe('http');
    expect(e.status).toBe(403);
    expect(e.message).toBe('Nomad answered 403 Forbidden to POST /v1/jobs: Permission denied (the ACL token was refused: check --token or NOMAD_TOKEN and its policy)');
    expect(e.message).not.toContain('wrong-token-123');
    const none = (await submitTask(task('web'), { address: fake.address }).catch((x: unknown) => x)) as NomadRequestError;
    expect(none.message).toMatch(/requires an ACL token: give --token or set NOMAD_TOKEN/);
  });

  it('shows a validation error with Nomad\'s own text', async () => {
    const e = (await submitTask(task('invalid'), { address: fake.address, token: TOKEN }).catch((x: unknown) => x)) as NomadRequestError;
    expect(e.failure).toBe('http');
    expect(e.status).toBe(500);
    expect(e.message).toContain('Task invalid validation failed: 1 error occurred:\n\t* Missing image_path');
  });

  it('reports a driver failure from the task events, and a placement failure from the evaluation', async () => {
    const broken = await submitTask(task('broken'), { address: fake.address, token: TOKEN }, { pollMs: 10 });
    expect(broken).toMatchObject({ outcome: 'failed', reason: 'task "broken" failed: Driver Failure: failed to launch command with executor: image_path is not in the allowed paths' });
    const noplace = await submitTask(task('noplace'), { address: fake.address, token: TOKEN }, { pollMs: 10 });
    expect(noplace).toMatchObject({ outcome: 'failed', reason: 'Nomad could not place group "noplace": 1 node(s) evaluated; exhausted: memory (1)' });
  });

  it('gives up after the timeout, and registers only with detach', async () => {
    const slow = await submitTask(task('web'), { address: fake.address, token: TOKEN }, { pollMs: 50, timeoutMs: 60 });
    expect(slow.outcome).toBe('timeout');
    const detached = await submitTask(task('web'), { address: fake.address, token: TOKEN }, { detach: true });
    expect(detached).toMatchObject({ outcome: 'registered', evalId: expect.any(String) });
  });

  it('shows network and TLS errors as they are', async () => {
    const port = await closedPort();
    const refused = (await submitTask(task('web'), { address: `http://127.0.0.1:${port}` }).catch((x: unknown) => x)) as NomadRequestError;
    expect(refused.failure).toBe('network');
    expect(refused.message).toMatch(new RegExp(`^cannot reach Nomad at http://127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`));
    // HTTPS to a plain-HTTP listener: the TLS handshake fails.
    const tls = (await submitTask(task('web'), { address: fake.address.replace('http:', 'https:'), token: TOKEN }).catch((x: unknown) => x)) as NomadRequestError;
    expect(tls.failure).toBe('tls');
    expect(tls.message).toMatch(/^TLS error talking to Nomad at https:\/\/127\.0\.0\.1:\d+: ERR_SSL_/);
  });
});

describe('Nomad target from flags and environment', () => {
  it('reads NOMAD_ADDR, NOMAD_TOKEN, NOMAD_NAMESPACE, NOMAD_REGION; flags win; default address', () => {
    const env = { NOMAD_ADDR: 'https://nomad.example.com:4646/', NOMAD_TOKEN: 't1', NOMAD_NAMESPACE: 'ns1', NOMAD_REGION: 'r1' };
    expect(resolveNomadTarget({}, env)).toEqual({ address: 'https://nomad.example.com:4646', token: 't1', namespace: 'ns1', region: 'r1' });
    expect(resolveNomadTarget({ address: 'http://10.0.0.1:4646', token: 't2', namespace: 'ns2', region: 'r2' }, env)).toEqual({
      address: 'http://10.0.0.1:4646',
      token: 't2',
      namespace: 'ns2',
      region: 'r2',
    });
    expect(resolveNomadTarget({}, {})).toEqual({ address: 'http://127.0.0.1:4646' });
    expect(() => resolveNomadTarget({ address: 'ftp://x' }, {})).toThrow(/must use http:\/\/ or https:\/\//);
    expect(() => resolveNomadTarget({ address: 'http://user:pw@x:4646' }, {})).toThrow(/no credentials in the Nomad address/);
  });
});

describe('vmdesk nomad submit (CLI, FAKE Nomad API)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vmdesk-submit-'));
    await writeFile(join(dir, 'web.json'), JSON.stringify({ name: 'web', config: { image_path: 'disk.qcow2' } }));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const run = (args: string[], env: Record<string, string>) =>
    execa('node', [bin, 'nomad', 'submit', ...args], { reject: false, cwd: dir, env: { VMDESK_HOME: join(dir, 'home'), NOMAD_ADDR: '', NOMAD_TOKEN: '', ...env } });

  it('submits with NOMAD_ADDR and NOMAD_TOKEN from the environment and prints the progress', async () => {
    const r = await run([join(dir, 'web.json'), '--timeout', '30s'], { NOMAD_ADDR: fake.address, NOMAD_TOKEN: TOKEN });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^registered job "web" \(evaluation [0-9a-f]{8}\)/);
    expect(r.stdout).toMatch(/Started: Task started by client/);
    expect(r.stdout).toMatch(/task "web" is running on Nomad \(allocation [0-9a-f]{8}\)$/m);
  });

  it('exits 1 with Nomad\'s 403 message and does not print the token', async () => {
    const r = await run([join(dir, 'web.json'), '--address', fake.address, '--token', 'not-the-token-42'], {});
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Nomad answered 403 Forbidden to POST \/v1\/jobs: Permission denied/);
    expect(r.stdout + r.stderr).not.toContain('not-the-token-42');
  });
});

describe('submit against a real Nomad (nomad agent -dev)', () => {
  it('runs when a nomad binary is on PATH, and otherwise says that it did not', async () => {
    const which = spawnSync('sh', ['-c', 'command -v nomad'], { encoding: 'utf8' });
    if (which.status !== 0) {
      // Not skipped silently: the test checks and reports that no real Nomad was available.
      expect(which.stdout.trim()).toBe('');
      console.log('nomad is not on PATH: the submit test did NOT run against a real `nomad agent -dev` (only against the FAKE API)');
      return;
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'vmdesk-nomad-dev-'));
    const agent = spawn('nomad', ['agent', '-dev', `-data-dir=${dataDir}`, '-bind=127.0.0.1'], { stdio: 'ignore' });
    try {
      const target = { address: 'http://127.0.0.1:4646' };
      const deadline = Date.now() + 60_000;
      for (;;) {
        const ok = await fetch(`${target.address}/v1/status/leader`).then((r) => r.ok).catch(() => false);
        if (ok) break;
        if (Date.now() > deadline) throw new Error('nomad agent -dev did not elect a leader within 60s');
        await new Promise((r) => setTimeout(r, 500));
      }
      // The image is not in the allocation directory and no artifact brings it: the real driver must refuse it,
      // which proves registration, evaluation, placement and the event stream end to end.
      const r = await submitTask(task('vmdesk-real-nomad'), target, { pollMs: 500, timeoutMs: 90_000 });
      expect(r.outcome).toBe('failed');
      expect(r.reason).toMatch(/vmdesk-real-nomad|image|placed/);
    } finally {
      agent.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 2000));
      if (agent.exitCode === null) agent.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
