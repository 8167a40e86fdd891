// A FAKE Nomad HTTP API on 127.0.0.1, for the submit tests: a Nomad cluster cannot run here. It answers the
// endpoints vmdesk uses the way Nomad's API documentation describes them (register, read evaluation, list an
// evaluation's allocations), with ACL token checks, a validation error, a placement failure and a driver
// failure chosen by the job's ID.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received. */
export interface FakeNomadRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  token: string | undefined;
  body: unknown;
}

/** The running fake. */
export interface FakeNomad {
  address: string;
  requests: FakeNomadRequest[];
  close(): Promise<void>;
}

interface FakeJobState {
  job: Record<string, unknown>;
  evalId: string;
  allocId: string;
  polls: number;
}

const uuid = (n: number) => `${n.toString(16).padStart(8, '0')}-1111-2222-3333-444455556666`;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts the fake. `token`: the ACL token it accepts (requests without the right one get 403 "Permission
 * denied", as Nomad answers). Job IDs: "invalid" -> validation error (500, Nomad's multierror text),
 * "noplace" -> evaluation complete with FailedTGAllocs, "broken" -> the task dies with a driver failure,
 * anything else -> pending, then running after two polls of its allocations.
 */
export async function startFakeNomad(opts: { token?: string } = {}): Promise<FakeNomad> {
  const requests: FakeNomadRequest[] = [];
  const jobs = new Map<string, FakeJobState>();
  let counter = 1;
  const ns = (t: number) => t * 1_000_000_000 + 1_764_270_000_000_000_000;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const token = req.headers['x-nomad-token'] as string | undefined;
    requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), token, body });
    const send = (status: number, payload: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    if (opts.token !== undefined && token !== opts.token) return send(403, 'Permission denied', 'text/plain');

    if ((req.method === 'POST' || req.method === 'PUT') && url.pathname === '/v1/jobs') {
      const job = (body as { Job?: Record<string, unknown> } | undefined)?.Job;
      if (!job || typeof job.ID !== 'string') return send(400, 'Job must be specified', 'text/plain');
      if (job.ID === 'invalid') {
        return send(500, '1 error occurred:\n\t* Task group invalid validation failed: 1 error occurred:\n\t* Task invalid validation failed: 1 error occurred:\n\t* Missing image_path\n\n', 'text/plain');
      }
      const state: FakeJobState = { job, evalId: uuid(counter++), allocId: uuid(counter++), polls: 0 };
      jobs.set(state.evalId, state);
      return send(200, { EvalID: state.evalId, EvalCreateIndex: 10, JobModifyIndex: 10, Warnings: '', Index: 10, LastContact: 0, KnownLeader: false });
    }

    const evalMatch = /^\/v1\/evaluation\/([^/]+)(\/allocations)?$/.exec(url.pathname);
    if (req.method === 'GET' && evalMatch) {
      const state = jobs.get(decodeURIComponent(evalMatch[1]!));
      if (!state) return send(404, 'eval not found', 'text/plain');
      const id = String(state.job.ID);
      const group = (state.job.TaskGroups as Array<{ Name: string; Tasks: Array<{ Name: string }> }>)[0]!;
      const task = group.Tasks[0]!.Name;
      if (!evalMatch[2]) {
        state.polls++;
        const complete = state.polls > 1;
        return send(200, {
          ID: state.evalId,
          JobID: id,
          Status: complete ? 'complete' : 'pending',
          StatusDescription: '',
          FailedTGAllocs:
            complete && id === 'noplace'
              ? { [group.Name]: { NodesEvaluated: 1, NodesFiltered: 0, NodesAvailable: { dc1: 1 }, NodesExhausted: 1, DimensionExhausted: { memory: 1 } } }
              : null,
        });
      }
      const allocPolls = state.polls - 1;
      const events = [
        { Type: 'Received', Time: ns(1), DisplayMessage: 'Task received by client', Message: '' },
        { Type: 'Task Setup', Time: ns(2), DisplayMessage: 'Building Task Directory', Message: 'Building Task Directory' },
      ];
      let taskState = { State: 'pending', Failed: false, Events: events };
      let clientStatus = 'pending';
      if (allocPolls >= 2 && id === 'broken') {
        taskState = { State: 'dead', Failed: true, Events: [...events, { Type: 'Driver Failure', Time: ns(3), DisplayMessage: 'failed to launch command with executor: image_path is not in the allowed paths', Message: '' }] };
        clientStatus = 'failed';
      } else if (allocPolls >= 2) {
        taskState = { State: 'running', Failed: false, Events: [...events, { Type: 'Started', Time: ns(3), DisplayMessage: 'Task started by client', Message: '' }] };
        clientStatus = 'running';
      }
      return send(200, [{ ID: state.allocId, EvalID: state.evalId, JobID: id, NodeName: 'fake-node', ClientStatus: clientStatus, TaskStates: { [task]: taskState } }]);
    }
    return send(404, `no handler for ${req.method} ${url.pathname}`, 'text/plain');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
