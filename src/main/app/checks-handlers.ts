// The app's IPC handlers for the Checks tab: run the VM's saved checks with `vmdesk test`'s engine
// (src/main/checks/test-session.ts: a disposable VM, report.json, junit.xml and the logs in the same results
// folder the CLI uses), push each check's live state, stop it on request, and list and read the previous runs.
// Spread into services.ts.
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { applyLiveEvent, type ChecksLiveEvent, type LiveTestRun } from '../../shared/checks-live';
import { VmdeskError } from '../../shared/errors';
import type { TestFile } from '../../shared/ipc-contract';
import { commandLine } from '../../shared/shell-words';
import { parseTask, type Task } from '../../shared/task';
import type { Handlers } from '../ipc/dispatch';
import type { SupervisorApi } from '../supervisor/api';
import { runSsh } from '../ssh/run-ssh';
import { checkKind } from '../../shared/checks';
import { TestInputError, testChecks } from '../checks/test-inputs';
import { runTestSession } from '../checks/test-session';
import { cleanUpOrphanedTests } from '../checks/orphans';
import { freshResultsDir, listTestRuns, pruneTestRuns, testResultsRoot } from '../checks/run-history';
import type { AppEventSink } from './app-events';
import { readTaskJson } from './task-store';

type ChecksHandlers = Pick<Handlers, 'checksOverview' | 'runChecks' | 'stopChecks' | 'readTestFile'>;

/** Most bytes of a run's console.log sent to the renderer (the end of it: where the failure is). */
export const TEST_CONSOLE_MAX_BYTES = 1024 * 1024;
/** Largest screenshot sent. */
const TEST_PNG_MAX_BYTES = 16 * 1024 * 1024;

/** What the Checks handlers need from services.ts. */
export interface ChecksDeps {
  home: string;
  supervisor: SupervisorApi;
  emit: AppEventSink['emit'];
  /** The task file that defines VM `name` (services.ts's rule). */
  taskFileOf(name: string): Promise<string>;
  /** Fetches the VM's artifacts as Start does. */
  fetchBeforeStart(name: string, taskFile: string): Promise<void>;
  /** False when the caller cleans up orphaned test VMs itself (services.ts does, at start); default true. */
  cleanUpOrphans?: boolean;
}

/** The Checks handlers, and close() that stops every test going on. */
export function createChecksHandlers(deps: ChecksDeps): { handlers: ChecksHandlers; close(): void } {
  const { home, supervisor } = deps;
  const live = new Map<string, { run: LiveTestRun | undefined; controller: AbortController }>();
  // A killed app (or `vmdesk test`) could not stop its test VM: clean up after it first, as every CLI command does.
  if (deps.cleanUpOrphans !== false) void cleanUpOrphanedTests(home, supervisor).catch(() => undefined);

  const push = (name: string, event: ChecksLiveEvent) => {
    const entry = live.get(name);
    if (entry) entry.run = applyLiveEvent(entry.run, event);
    deps.emit('checksProgress', { name, event });
  };

  async function savedTask(name: string): Promise<{ task: Task; taskFile: string }> {
    const taskFile = await deps.taskFileOf(name);
    const parsed = parseTask(await readTaskJson(taskFile));
    if (!parsed.ok) throw new VmdeskError('INVALID_TASK', `${taskFile}: ${parsed.message}`, parsed.field);
    return { task: parsed.task, taskFile };
  }

  async function runInBackground(name: string, task: Task, taskFile: string, resultsDir: string, controller: AbortController, checks: Awaited<ReturnType<typeof testChecks>>) {
    const stamp = () => new Date().toISOString();
    try {
      await deps.fetchBeforeStart(name, taskFile);
      const { report } = await runTestSession({
        sup: supervisor,
        home,
        task,
        taskFile,
        taskDir: dirname(taskFile),
        checks,
        repeat: 1,
        resultsDir,
        keep: false,
        signal: controller.signal,
        ssh: (vm, command) => runSsh(supervisor, vm, command, { timeoutMs: 30_000 }),
        onVm: (_run, vm) => push(name, { kind: 'vm', vm }),
        onCheckStart: (_run, index) => push(name, { kind: 'check-started', index, at: stamp() }),
        onResult: (_run, index, result) => push(name, { kind: 'check-ended', index, result }),
      });
      const error = report.runs[0]?.error;
      push(name, { kind: 'finished', status: controller.signal.aborted ? 'stopped' : report.status, ...(error ? { error } : {}) });
    } catch (err) {
      push(name, { kind: 'finished', status: controller.signal.aborted ? 'stopped' : 'failed', error: (err as Error).message });
    } finally {
      await pruneTestRuns(home, task.name).catch(() => undefined);
    }
  }

  return {
    handlers: {
      async checksOverview({ name }) {
        const { task, taskFile } = await savedTask(name);
        return {
          taskFile,
          command: commandLine('vmdesk', ['test', taskFile]),
          resultsRoot: testResultsRoot(home, task.name),
          active: live.get(name)?.run ?? null,
          runs: await listTestRuns(home, task.name),
        };
      },

      async runChecks({ name }) {
        if (live.get(name)?.run?.status === 'running') {
          throw new VmdeskError('VM_RUNNING', `a test of "${name}" is already running; wait for it or press Stop`);
        }
        const { task, taskFile } = await savedTask(name);
        let checks;
        try {
          checks = await testChecks(task, undefined);
        } catch (err) {
          if (err instanceof TestInputError) throw new VmdeskError('INVALID_TASK', err.message, 'checks');
          throw err;
        }
        const root = testResultsRoot(home, task.name);
        const resultsDir = freshResultsDir(home, task.name, new Date(), await readdir(root).catch(() => []));
        const controller = new AbortController();
        live.set(name, { run: undefined, controller });
        push(name, { kind: 'started', resultsDir, startedAt: new Date().toISOString(), checks: checks.map((c) => ({ name: c.name, kind: checkKind(c) })) });
        void runInBackground(name, task, taskFile, resultsDir, controller, checks);
        return { resultsDir };
      },

      async stopChecks({ name }) {
        const entry = live.get(name);
        if (!entry || entry.run?.status !== 'running') throw new VmdeskError('BAD_REQUEST', `no test of "${name}" is running`);
        if (entry.controller.signal.aborted) return;
        push(name, { kind: 'stopping' });
        entry.controller.abort();
      },

      async readTestFile({ name, run, file }): Promise<TestFile> {
        const { task } = await savedTask(name);
        const folder = join(testResultsRoot(home, task.name), run);
        const path = resolve(folder, file);
        // The request's patterns already forbid "..", "/" at the start and hidden files; this is the second lock.
        const real = await realpath(path).catch(() => undefined);
        const realFolder = await realpath(folder).catch(() => folder);
        if (!path.startsWith(folder + sep) || (real && !real.startsWith(realFolder + sep))) {
          throw new VmdeskError('BAD_REQUEST', `${file} is not inside the run's results folder`);
        }
        const info = real ? await stat(real).catch(() => undefined) : undefined;
        if (!real || !info?.isFile()) throw new VmdeskError('BAD_REQUEST', `the run ${run} has no file ${file} (it may have been removed)`);
        if (file.endsWith('.png')) {
          if (info.size > TEST_PNG_MAX_BYTES) throw new VmdeskError('BAD_REQUEST', `${file} is larger than ${TEST_PNG_MAX_BYTES} bytes`);
          return { kind: 'png', base64: (await readRange(real, 0, info.size)).toString('base64'), size: info.size };
        }
        const offset = Math.max(0, info.size - TEST_CONSOLE_MAX_BYTES);
        return { kind: 'text', text: new TextDecoder('utf-8').decode(await readRange(real, offset, info.size - offset)), size: info.size, offset };
      },
    },
    close() {
      for (const { controller } of live.values()) controller.abort();
    },
  };
}

/** `length` bytes of `path` from `offset`. */
async function readRange(path: string, offset: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
