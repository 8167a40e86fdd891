// The supervisor: turns plans into running VMs and keeps track of them across vmdesk processes.
// The same module runs in the Electron main process and in the `vmdesk` CLI (see api.ts).
import { chmodSync, existsSync, mkdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { VmdeskError } from '../../shared/errors';
import type { DriverConfig } from '../../shared/driver-config';
import type { Plan } from '../../shared/plan';
import type { ExitRecord, StatsSample, VmEvent, VmInfo } from '../../shared/vm';
import { GuestAgentClient, QmpClient, QmpTimeoutError } from '../qmp/index';
import { runtimeBase, vmPaths, vmsDir } from '../store/paths';
import type { DestroyOptions, StartSource, StopOptions, StopResult, SupervisorApi, SupervisorEvents } from './api';
import { formatBytes, freeBytes, isDiskFullError, logDiskNow, type LogDiskThresholds } from './disk-space';
import { EVENTS_READ_LIMIT, EventJournal, readEvents } from './events-log';
import { followFile } from './file-follower';
import { noBootableDevice, secureBootRefusal } from './firmware-console';
import { acquireLock, type VmLock } from './lock';
import { lastLines, qemuErrorLines, readTail } from './log-tail';
import { prepareFirmwareVars, startTpm, stopTpm, tpmAlive, tpmGoneMessage, watchTpm, type TpmProcess } from './hardware';
import { isRunningPid, readProcStat } from './proc';
import { findOurQemu, processesUsingVm, queryUuid, recordedPidIsOurs, removeRuntimeDirIfUnused, sameUuid, type Identified } from './identity';
import { faultPoint } from './fault-point';
import { catchUpRotation } from './log-catchup';
import { ensurePrivateRuntimeBase } from '../store/runtime-dir';
import { delay } from './sleep';
import { wakeOnChange } from './dir-wake';
import type { SpawnedQemu } from './spawn';
import { isLive } from './state-machine';
import { explainStartFailure, failedStartRecord, imageHolders } from './start-failure';
import { listRecordNames, quarantineRecord, readRecord, writeRecord, writeRecordVisible, type StateRecord } from './state-record';
import { makeEvent, VmSession } from './vm-session';
import { mapBounded } from './bounded-all';
import { connectAnyMonitor } from './qmp-monitors';
import { infoFromRecord } from './vm-info';
import { readAgentSeen, writeAgentSeen, type AgentSeen } from './agent-seen';

/** Turns a start source into a plan (the driver's planTask; see default-planner.ts). */
export type Planner = (source: StartSource, opts: { uuid: string; driverConfig: DriverConfig; home: string; env: NodeJS.ProcessEnv }) => Promise<Plan>;

/** Options of createSupervisor. */
export interface SupervisorOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  driverConfig: () => DriverConfig | Promise<DriverConfig>;
  /** How plans are made (default: the driver's planTask, default-planner.ts). */
  planner?: Planner;
  statsIntervalMs?: number;
  logMaxBytes?: number;
  /** Deadline for QEMU to open its QMP socket at start (default 30 s). */
  startTimeoutMs?: number;
  /** When the log disk counts as full / as having space again (default: disk-space.ts). */
  logDisk?: LogDiskThresholds;
}

/** Fallback re-check interval while waiting for QEMU's QMP socket at start. */
const START_RECHECK_MS = 5;

type Listeners = { [K in keyof SupervisorEvents]: Set<SupervisorEvents[K]> };

/** How long stop and destroy wait for another vmdesk process's lock on the VM before VM_LOCKED. */
const LOCK_WAIT_MS = 15_000;
/** VMs re-attached at once by recover(): enough to overlap the QMP waits, few enough not to flood 2 cores. */
const RECOVER_CONCURRENCY = 16;
/** Console bytes watched for firmware messages (SeaBIOS/OVMF print theirs in the first few KiB). */
const FIRMWARE_WATCH_BYTES = 256 * 1024;

/** Creates a supervisor bound to one $VMDESK_HOME. Call recover() to re-attach VMs left running. */
export function createSupervisor(opts: SupervisorOptions): SupervisorApi {
  return new Supervisor(opts);
}

class Supervisor implements SupervisorApi {
  private readonly sessions = new Map<string, VmSession>();
  private readonly attaching = new Map<string, Promise<VmSession | undefined>>();
  /** While recover() runs: work its re-attaches put off until the list is made (afterAttach). */
  private deferredWork: Array<() => void> | undefined;
  private readonly listeners: Listeners = { vm: new Set(), removed: new Set(), event: new Set(), stats: new Set() };
  private readonly followers = new Set<{ stop(): void }>();
  private readonly env: NodeJS.ProcessEnv;
  /** events.jsonl appends; what a full disk refuses waits here, in order (see EventJournal). */
  private readonly journal = new EventJournal();

  constructor(private readonly opts: SupervisorOptions) {
    this.env = opts.env ?? process.env;
  }

  readonly agent = {
    ping: async (name: string) => {
      await this.withAgent(name, (ga) => ga.ping());
    },
    info: (name: string) => this.withAgent(name, (ga) => ga.info()),
    interfaces: (name: string) => this.withAgent(name, (ga) => ga.interfaces()),
    exec: async (name: string, command: string[], o: { timeoutMs?: number } = {}) => {
      if (command.length === 0) throw new VmdeskError('BAD_REQUEST', 'agent exec: give the command to run, e.g. -- /bin/uname -a');
      const r = await this.withAgent(name, (ga) => ga.exec(command[0]!, command.slice(1), o), (o.timeoutMs ?? 30_000) + 5_000);
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    },
  };

  // ---- queries ------------------------------------------------------------------------------------

  async list(): Promise<VmInfo[]> {
    const out: VmInfo[] = [];
    for (const name of listRecordNames(this.opts.home)) {
      try {
        out.push(await this.inspect(name));
      } catch (err) {
        if (!(err instanceof VmdeskError && (err.code === 'STATE_CORRUPT' || err.code === 'VM_NOT_FOUND'))) throw err;
      }
    }
    return out;
  }

  async inspect(name: string): Promise<VmInfo> {
    const s = this.sessions.get(name);
    if (s) return s.info();
    const record = await this.loadRecord(name);
    const current = await this.reconcile(record);
    // An interrupted start, or a QEMU just adopted under another pid: QMP says what state it is really in.
    const adopted = isLive(current.state) && current.pid !== record.pid;
    const finished = current.state === 'starting' || adopted ? await this.attachUnwatched(name) : undefined;
    if (finished) return finished.info();
    const info = infoFromRecord(current, readAgentSeen(record.plan.paths.vmDir, current.startedAt));
    // Not attached here (the CLI next to the app, or nobody attached): QEMU may be dropping console output
    // right now. Measured on the spot, so `vmdesk inspect` says so from any process.
    if (!isLive(info.state)) return info;
    await this.catchUpLogs(current);
    const logDisk = logDiskNow(record.plan.paths.vmDir, this.opts.logDisk);
    return logDisk ? { ...info, logDisk } : info;
  }

  async events(name: string): Promise<VmEvent[]> {
    const dir = this.vmDir(name);
    if (!existsSync(dir)) throw notFound(name);
    // Plus those a full disk refused so far (written, in order, once space returns).
    return [...readEvents(dir), ...this.journal.pendingFor(dir)].slice(-EVENTS_READ_LIMIT);
  }

  stats(name: string): StatsSample[] {
    return this.sessions.get(name)?.history ?? [];
  }

  async plan(source: StartSource): Promise<Plan> {
    return this.makePlan(source, { uuid: newVmUuid() });
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  async recover(): Promise<VmInfo[]> {
    // Many VMs at once (bounded): each re-attach is mostly waiting on its own QEMU (QMP greeting, query-uuid,
    // query-status), and each VM has its own lock, so one after the other only adds the waits up. What the
    // list does not need (stats sampling, the agent probe) waits until the list is made.
    const deferred: Array<() => void> = [];
    this.deferredWork = deferred;
    try {
      await mapBounded(listRecordNames(this.opts.home), RECOVER_CONCURRENCY, async (name) => {
        try {
          await this.attach(name);
        } catch (err) {
          if (err instanceof VmdeskError && err.code === 'STATE_CORRUPT') return; // quarantined and reported
          this.recordEvent(name, makeEvent('error', 'recover-failed', `could not re-attach: ${(err as Error).message}`));
        }
      });
      return this.list();
    } finally {
      if (this.deferredWork === deferred) this.deferredWork = undefined;
      if (deferred.length > 0) setImmediate(() => deferred.forEach((work) => work()));
    }
  }

  async start(source: StartSource): Promise<VmInfo> {
    const uuid = newVmUuid();
    let plan = await this.makePlan(source, { uuid });
    const name = plan.name;
    const vmDir = plan.paths.vmDir;
    const dirExisted = existsSync(vmDir);
    const lock = await acquireLock(vmDir, 'start');
    let previous: StateRecord | undefined;
    let createdDir = false;
    let removeIfEmpty = false;
    let spawned: SpawnedQemu | undefined;
    let qmp: QmpClient | undefined;
    let began = false; // set once this start writes its own record: only then is there anything to undo
    let record: StateRecord | undefined;
    let stderrOffset = 0;
    let tpm: TpmProcess | undefined;
    try {
      const existing = readRecord(vmDir);
      if (existing.ok) {
        const rec = await this.reconcile(existing.record, lock);
        if (isLive(rec.state)) {
          throw new VmdeskError('VM_RUNNING', `${name} is already ${rec.state} (pid ${rec.pid}); stop it first (vmdesk stop ${name}) or choose another name`);
        }
        previous = rec;
      } else if (!existing.missing) {
        const to = quarantineRecord(vmDir);
        this.recordEvent(name, makeEvent('error', 'record-quarantined', `corrupt state record (${existing.reason}) moved to ${to}`));
      } else {
        createdDir = !dirExisted;
      }
      // Whatever the record says (missing, corrupt, exited, lost): a QEMU still running for this VM (its argv
      // names this VM's console log or runtime dir) means a second one must not start; it would take over the
      // sockets. Its record cannot say how to reach it, so the hint is the one that works without it.
      const stray = processesUsingVm(plan.paths);
      if (stray.length > 0) {
        throw new VmdeskError(
          'VM_RUNNING',
          `a QEMU for ${name} is still running (pid ${stray.join(', ')}) although its state record does not say so; stop it first (kill ${stray.join(' ')}), then start again`,
        );
      }
      ensurePrivateRuntimeBase(runtimeBase(this.env), { create: true }); // refused before anything is written

      // Host ports: 0 becomes a free port; a fixed port already in use is refused before QEMU starts.
      // Start-only code (child_process, dgram) is loaded here: `vmdesk ls` and `inspect` never pay for it.
      const [{ resolveHostPorts }, { spawnQemu }] = await Promise.all([import('./ports'), import('./spawn')]);
      const hostPorts = await resolveHostPorts(plan.ports);
      const picked = Object.fromEntries(plan.ports.filter((p) => p.host === 0).map((p) => [p.label, hostPorts[p.label]!]));
      if (Object.keys(picked).length > 0) plan = (await import('../driver/plan')).assignHostPorts(plan, picked);

      began = true;
      mkdirSync(vmDir, { recursive: true, mode: 0o700 });
      rmSync(plan.paths.runtimeDir, { recursive: true, force: true });
      mkdirSync(plan.paths.runtimeDir, { recursive: true, mode: 0o700 });
      chmodSync(plan.paths.runtimeDir, 0o700);
      if (plan.paths.overlay) {
        rmSync(plan.paths.overlay, { force: true });
        await (await import('./overlay')).createOverlay(plan);
      }
      prepareFirmwareVars(plan);
      const seed = plan.cloudInit ? await (await import('../cloudinit/seed-build')).buildSeed(plan.cloudInit, name, vmDir) : undefined; // before QEMU opens it

      record = {
        version: 1,
        name,
        state: 'starting',
        uuid,
        plan,
        ...('taskFile' in source ? { taskFile: source.taskFile } : {}),
        createdAt: previous?.createdAt ?? new Date().toISOString(),
        ...(previous?.lastExit ? { lastExit: previous.lastExit } : {}),
      };
      // The records of a starting VM are written visible-now, durable-soon (writeRecordVisible): fsyncing
      // each one here cost 15-50 ms per write on the path from start() to QMP ready (bench: start overhead).
      // Crash safety is unchanged: what must hold is that a vmdesk process started after this one is
      // SIGKILLed finds every QEMU this one started, and it reads the records from the shared page cache,
      // which a rename reaches before it returns. Before the spawn: a kill from here on leaves a record to
      // clean up; right after it: the pid (and its start time) is known to any later process. A power cut
      // or OS crash kills every QEMU too, so a live record that missed the disk loses track of nothing (the
      // reasoning in state-record.ts). The fsyncs still run, in the background, while QEMU starts.
      void writeRecordVisible(vmDir, record);
      this.recordEvent(name, makeEvent('lifecycle', 'starting', `starting ${plan.binary}`, { argv: plan.argv, ports: plan.ports }));
      if (seed) {
        this.recordEvent(name, makeEvent('lifecycle', 'cloud-init-seed', `cloud-init seed ${plan.cloudInit!.seed} (instance-id ${seed.instanceId})`, { instanceId: seed.instanceId, files: Object.keys(seed.files) }));
        for (const w of seed.warnings) this.recordEvent(name, makeEvent('lifecycle', 'cloud-init-warning', w));
      }
      stderrOffset = existsSync(plan.paths.stderrLog) ? statSync(plan.paths.stderrLog).size : 0;

      if (plan.tpm) record.tpm = tpm = await startTpm(plan); // before QEMU, which connects to it at once
      faultPoint('before-spawn', this.env);
      spawned = await spawnQemu(plan);
      faultPoint('after-spawn', this.env);
      record.pid = spawned.pid;
      record.pidStartTime = readProcStat(spawned.pid)?.startTime;
      record.startedAt = new Date().toISOString();
      void writeRecordVisible(vmDir, record); // right after the spawn: the pid is known to any later process
      faultPoint('after-pid', this.env);

      const exitedEarly = spawned.exited.then((e) => e);
      try {
        qmp = await this.connectAtStart(plan, exitedEarly);
      } catch (err) {
        const exit = await Promise.race([exitedEarly, delay(300).then(() => undefined)]);
        const cause = qemuErrorLines(readTail(plan.paths.stderrLog, 8192, stderrOffset));
        const how = exit ? (exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`) : `did not answer on QMP (${(err as Error).message})`;
        const words = explainStartFailure(cause, { image: plan.image.path, holders: imageHolders(this.opts.home, plan.image.path, name) });
        throw new VmdeskError('START_FAILED', `${words ? `${words}. ` : ''}QEMU ${how}${cause ? `: ${cause}` : ''}`);
      }
      const session = new VmSession(record, this.hooks(), spawned, this.sessionOptions());
      session.bindQmp(qmp); // events from here on are recorded, before asking for the status
      const status = await qmp.execute<{ running: boolean; status: string }>('query-status');
      this.sessions.set(name, session);
      this.watchHardware(session);
      session.markReady(status.running);
      this.recordEvent(name, makeEvent('lifecycle', 'running', `QEMU running (pid ${spawned.pid}, status ${status.status})`, { pid: spawned.pid, uuid }));
      session.startTimers();
      // No agent probe here: the guest has not booted yet; the status stays "unknown" until an agent call.
      return session.info();
    } catch (err) {
      if (began) {
        // A start that got as far as QEMU is a run: recorded with its reason (not on a full disk, where the
        // previous record must stay whole).
        const failed = spawned && record && !isDiskFullError(err) ? { record, message: (err as Error).message, stderrOffset } : undefined;
        stopTpm(tpm);
        await this.undoStart(plan, spawned, qmp, previous, createdDir, failed);
        this.sessions.delete(name);
      } else if (!dirExisted) {
        removeIfEmpty = true; // only the lock was created here (unless another process has filled it since)
      }
      if (err instanceof VmdeskError) throw err;
      if (isDiskFullError(err)) {
        const free = freeBytes(vmsDir(this.opts.home));
        throw new VmdeskError(
          'START_FAILED',
          `starting ${name} failed: the disk holding ${vmsDir(this.opts.home)} is full (${free !== undefined ? `${formatBytes(free)} free` : 'free space unknown'}; ${(err as Error).message}). Nothing was started. Free space there (e.g. \`vmdesk rm --purge\` old VMs) or set VMDESK_HOME to a larger disk`,
        );
      }
      throw new VmdeskError('START_FAILED', `starting ${name} failed: ${(err as Error).message}`);
    } finally {
      lock.release();
      // Never recursive: dirExisted was looked at before the lock, and another start may have made this
      // directory its own since (removing it took a running VM's record, logs and overlay with it).
      if (removeIfEmpty) {
        try {
          rmdirSync(vmDir);
        } catch {
          // not empty: another run's files
        }
      }
    }
  }

  async wait(name: string): Promise<ExitRecord> {
    const s = await this.attach(name);
    if (s) return s.exit;
    const info = await this.inspect(name);
    if (info.lastExit) return info.lastExit;
    throw new VmdeskError('VM_NOT_RUNNING', `${name} is not running and has no exit record`);
  }

  async stop(name: string, o: StopOptions = {}): Promise<StopResult> {
    await this.loadRecord(name); // VM_NOT_FOUND before any file is created
    // Another vmdesk process at work on this VM (its own stop, a start) is waited for, briefly.
    const lock = await acquireLock(this.vmDir(name), 'stop', LOCK_WAIT_MS);
    try {
      const session = await this.attach(name, lock);
      if (!session || session.isEnded) {
        const unreachable = await this.stopUnreachable(name, o);
        if (unreachable) return unreachable;
        const info = await this.inspect(name);
        if (info.state === 'lost') {
          throw new VmdeskError('STOP_FAILED', `${name} is lost: its recorded QEMU (pid ${info.pid}) cannot be verified, so vmdesk will not signal it; check the process yourself, then \`vmdesk rm ${name}\` forgets the VM`);
        }
        return { name, step: 'already-exited', durationMs: 0, info };
      }
      if (session.exitRecordedElsewhere()) {
        // Another vmdesk process stopped it (through the second QMP monitor) and recorded the exit while we
        // waited for the lock; this session has not seen its QEMU go yet. Nothing to stop twice.
        await Promise.race([session.exit, delay(5_000)]);
        return { name, step: 'already-exited', durationMs: 0, info: await this.inspect(name) };
      }
      const r = await session.stop(o);
      return { name, step: r.step, durationMs: r.durationMs, info: session.info() };
    } finally {
      lock.release();
    }
  }

  /**
   * A VM marked "lost" whose QEMU still runs and is provably ours (same pid start time, uuid in its argv) but
   * cannot be reached over QMP (its runtime dir was deleted, or QMP hangs): stopped by signals, SIGTERM then
   * SIGKILL, each bounded. Undefined when there is no such process. A reused pid is never signalled.
   */
  private async stopUnreachable(name: string, o: StopOptions): Promise<StopResult | undefined> {
    const r = readRecord(this.vmDir(name));
    if (!r.ok || r.record.state !== 'lost' || !r.record.pid) return undefined;
    const { pid, uuid } = r.record;
    const ours = () => recordedPidIsOurs(r.record);
    if (!ours()) return undefined;
    // Conflicting evidence (our socket path answered by another QEMU) is not "unreachable": signal nothing.
    if (await qmpAnswersAsAnother(r.record.plan.paths.qmpSocket, uuid)) return undefined;
    const began = Date.now();
    let step: 'sigterm' | 'sigkill' = o.force ? 'sigkill' : 'sigterm';
    this.recordEvent(name, makeEvent('stop', 'stop-step', `QMP unreachable: sending ${step.toUpperCase()} to pid ${pid}`, { step, pid }));
    process.kill(pid, step === 'sigkill' ? 'SIGKILL' : 'SIGTERM');
    const gone = async (ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end; await delay(50)) if (!ours()) return true;
      return !ours();
    };
    if (!(await gone(o.timeoutMs ?? r.record.plan.task.kill_timeout_ms)) && step === 'sigterm') {
      step = 'sigkill';
      this.recordEvent(name, makeEvent('stop', 'stop-step', `sending SIGKILL to pid ${pid}`, { step, pid }));
      if (ours()) process.kill(pid, 'SIGKILL');
      await gone(10_000);
    }
    const updated: StateRecord = {
      ...r.record,
      state: 'exited',
      lastExit: { at: new Date().toISOString(), code: null, signal: step === 'sigkill' ? 'SIGKILL' : 'SIGTERM', requested: true, stopStep: step, summary: `stopped by ${step.toUpperCase()} (QMP was unreachable)` },
    };
    this.writeRecordTolerant(name, updated);
    removeRuntimeDirIfUnused(r.record.plan.paths);
    this.recordEvent(name, makeEvent('lifecycle', 'exited', updated.lastExit!.summary, { pid }));
    const info = infoFromRecord(updated);
    for (const l of this.listeners.vm) l(info);
    return { name, step, durationMs: Date.now() - began, info };
  }

  async destroy(name: string, o: DestroyOptions = {}): Promise<void> {
    const record = await this.loadRecord(name);
    const current = await this.reconcile(record);
    const lostButRunning = current.state === 'lost' && recordedPidIsOurs(current);
    if ((isLive(current.state) && current.state !== 'lost') || lostButRunning) {
      if (!o.force) throw new VmdeskError('VM_RUNNING', `${name} is ${current.state}; stop it first, or use --force to kill it`);
      await this.stop(name, { force: true });
    }
    const lock = await acquireLock(this.vmDir(name), 'destroy', LOCK_WAIT_MS);
    try {
      // Another process may have destroyed it while we waited for the lock: then this destroy did nothing.
      if (!existsSync(`${this.vmDir(name)}/vm.json`)) {
        lock.release();
        try {
          rmdirSync(this.vmDir(name)); // only if empty: the lock wait recreated it
        } catch {
          // not empty (logs kept): leave it
        }
        throw notFound(name);
      }
      const rec = readRecord(this.vmDir(name));
      const paths = rec.ok ? rec.record.plan.paths : vmPaths(this.opts.home, name, { disposable: true, guestAgent: true }, this.env);
      // A QEMU that still uses this VM's sockets or log (one the record does not know of) keeps them, and the
      // VM is not forgotten: forgetting it would leave that QEMU reachable only by hand.
      const users = processesUsingVm(paths);
      if (users.length > 0) {
        throw new VmdeskError('VM_RUNNING', `a QEMU (pid ${users.join(', ')}) still uses the sockets or the console log of ${name}, so it is not removed; stop that process first (kill ${users.join(' ')}), then \`vmdesk rm ${name}\` again`);
      }
      const session = this.sessions.get(name);
      await session?.detach();
      this.sessions.delete(name);
      removeRuntimeDirIfUnused(paths);
      if (paths.overlay) rmSync(paths.overlay, { force: true });
      if (o.removeLogs) {
        lock.release();
        rmSync(this.vmDir(name), { recursive: true, force: true, maxRetries: 10, retryDelay: 20 }); // another process may be taking the lock inside it
      } else {
        this.recordEvent(name, makeEvent('lifecycle', 'destroyed', `${name} removed (logs kept in ${paths.vmDir})`));
        rmSync(`${paths.vmDir}/vm.json`, { force: true });
        rmSync(`${paths.vmDir}/agent.json`, { force: true });
      }
    } finally {
      lock.release();
    }
    for (const l of this.listeners.removed) l(name);
  }

  // ---- console --------------------------------------------------------------------------------------

  subscribeConsole(name: string, onData: (chunk: Uint8Array) => void | Promise<void>, o: { fromOffset?: number } = {}): () => void {
    const path = vmPaths(this.opts.home, name, { disposable: false, guestAgent: false }, this.env).consoleLog;
    const f = followFile(path, onData, { fromOffset: o.fromOffset ?? 'end' });
    this.followers.add(f);
    return () => {
      f.stop();
      this.followers.delete(f);
    };
  }

  async writeConsole(name: string, data: string | Uint8Array): Promise<void> {
    const s = await this.attach(name);
    if (!s || s.isEnded) throw new VmdeskError('VM_NOT_RUNNING', `${name} is not running`);
    await s.writeConsole(data);
  }

  async qmp<T = unknown>(name: string, command: string, args?: Record<string, unknown>, o: { timeoutMs?: number } = {}): Promise<T> {
    const s = await this.attach(name);
    if (!s || s.isEnded) throw new VmdeskError('VM_NOT_RUNNING', `${name} is not running; start it first (vmdesk start)`);
    return s.execute<T>(command, args, o);
  }

  recordVmEvent(name: string, event: VmEvent): void {
    const s = this.sessions.get(name);
    if (s && !s.isEnded) s.emit(event);
    else this.recordEvent(name, event);
  }

  on<K extends keyof SupervisorEvents>(event: K, listener: SupervisorEvents[K]): () => void {
    (this.listeners[event] as Set<SupervisorEvents[K]>).add(listener);
    return () => (this.listeners[event] as Set<SupervisorEvents[K]>).delete(listener);
  }

  async close(): Promise<void> {
    for (const f of this.followers) f.stop();
    this.followers.clear();
    await Promise.all([...this.sessions.values()].map((s) => s.detach()));
    this.sessions.clear();
  }

  // ---- internals ----------------------------------------------------------------------------------

  private vmDir(name: string): string {
    if (!/^[a-z0-9][a-z0-9_.-]{0,62}$/.test(name)) throw new VmdeskError('BAD_REQUEST', `"${name}" is not a VM name`);
    return `${vmsDir(this.opts.home)}/${name}`;
  }

  private async makePlan(source: StartSource, o: { uuid: string }): Promise<Plan> {
    const driverConfig = await this.opts.driverConfig();
    // The driver (task schema, argv, image probes) is loaded by the commands that start a VM, not by ls or inspect.
    const planner = this.opts.planner ?? (await import('./default-planner')).defaultPlanner;
    return planner(source, { ...o, driverConfig, home: this.opts.home, env: this.env });
  }

  private sessionOptions() {
    return {
      ...(this.opts.statsIntervalMs !== undefined ? { statsIntervalMs: this.opts.statsIntervalMs } : {}),
      ...(this.opts.logMaxBytes !== undefined ? { logMaxBytes: this.opts.logMaxBytes } : {}),
      ...(this.opts.logDisk !== undefined ? { logDisk: this.opts.logDisk } : {}),
    };
  }

  private hooks() {
    return {
      event: (name: string, e: VmEvent, opts?: { journal: boolean }) => this.recordEvent(name, e, opts),
      changed: (info: VmInfo) => {
        for (const l of this.listeners.vm) l(info);
      },
      stats: (name: string, s: StatsSample) => {
        for (const l of this.listeners.stats) l(name, s);
      },
    };
  }

  private recordEvent(name: string, e: VmEvent, opts: { journal: boolean } = { journal: true }): void {
    let dir: string | undefined;
    try {
      dir = this.vmDir(name);
    } catch {
      dir = undefined;
    }
    if (!opts.journal) {
      // written by the process that recorded it
    } else if (dir && existsSync(dir)) {
      const r = this.journal.append(dir, e);
      // A full disk starts (or continues) the VM's log-disk-full episode: reported once, by its session.
      if (!r.ok && r.diskFull) this.sessions.get(name)?.noteWriteFailure(r.path, r.error);
    } else if (dir) {
      this.journal.forget(dir); // the VM directory is gone (removed): nothing to persist into
    }
    for (const l of this.listeners.event) l(name, e);
  }

  /**
   * Writes a record outside a session (reconcile, lost, stopped by signal). On a full disk the previous record
   * stays whole on disk (it still says live; its QEMU is gone or unverifiable, so any later reader reconciles
   * it again) and the new state is still returned to the caller.
   */
  private writeRecordTolerant(name: string, record: StateRecord): void {
    try {
      writeRecord(record.plan.paths.vmDir, record);
    } catch (err) {
      if (!isDiskFullError(err)) throw err;
      // Not an event per call (inspect may run this every second): the session, if any, reports the episode.
      this.sessions.get(name)?.noteWriteFailure(`${record.plan.paths.vmDir}/vm.json`, err);
    }
  }

  private async loadRecord(name: string): Promise<StateRecord> {
    const dir = this.vmDir(name);
    const r = readRecord(dir);
    if (r.ok) return r.record;
    if (r.missing) throw notFound(name);
    const to = quarantineRecord(dir);
    this.recordEvent(name, makeEvent('error', 'record-quarantined', `corrupt state record (${r.reason}) moved to ${to}`));
    throw new VmdeskError('STATE_CORRUPT', `the state record of ${name} is corrupt (${r.reason}); it was moved to ${to}`);
  }

  /**
   * Brings a record in line with reality when no session watches the VM, by the VM's identity (identity.ts):
   * its QEMU found under another pid than recorded (or none recorded: a start killed before it wrote the
   * pid) is adopted; a recorded pid that lives but is not ours, with no QEMU of ours anywhere, is "lost";
   * no QEMU at all is "exited" with what can be known (never "running"). Written under the VM's lock when
   * it can be had; otherwise only reported.
   */
  private async reconcile(record: StateRecord, heldLock?: VmLock): Promise<StateRecord> {
    const session = this.sessions.get(record.name);
    if (session?.isEnded && session.record.uuid === record.uuid) {
      // This process watched this very QEMU exit: its record is the truth, even if a full disk kept it from
      // vm.json. (Another uuid on disk: started again since by another process; that record is newer.)
      session.retryRecordWrite();
      return session.record;
    }
    if (!isLive(record.state) || (session && !session.isEnded)) return record;
    const found = findOurQemu(record);
    if (found.qemu && found.recorded === 'ours') return record;
    if (found.qemu) return this.underLock(record, heldLock, this.adopted(record, found), (r) => this.recordEvent(r.name, makeEvent('lifecycle', 'adopted', adoptMessage(record, found), { pid: r.pid, recordedPid: record.pid ?? null })));
    if (found.recorded === 'not-ours') {
      const why = `pid ${record.pid} is alive but is not this VM's QEMU (its command line does not carry uuid ${record.uuid} and the VM's sockets), and no process does; not touching it`;
      return this.underLock(record, heldLock, { ...record, state: 'lost' }, (r) => this.noteLost(r, why));
    }
    const stderrTail = qemuErrorLines(readTail(record.plan.paths.stderrLog, 4096), 5);
    const consoleTail = lastLines(readTail(record.plan.paths.consoleLog, 4096), 10);
    const updated: StateRecord = {
      ...record,
      state: 'exited',
      lastExit: {
        at: new Date().toISOString(),
        code: null,
        signal: null,
        requested: Boolean(record.stopRequestedAt),
        summary: record.pid ? `QEMU (pid ${record.pid}) exited while no vmdesk process was watching; exit status unknown` : 'the start was interrupted before QEMU ran',
        ...(stderrTail ? { stderrTail } : {}),
      },
    };
    delete updated.stopRequestedAt;
    return this.underLock(record, heldLock, updated, (r) => {
      removeRuntimeDirIfUnused(r.plan.paths);
      this.recordEvent(r.name, makeEvent('lifecycle', 'exited', r.lastExit!.summary, { consoleTail, ...(stderrTail ? { stderrTail } : {}) }));
    });
  }

  /** The record with the QEMU found by identity as its pid. Pure apart from the clock. */
  private adopted(record: StateRecord, found: Identified): StateRecord {
    const q = found.qemu!;
    const r: StateRecord = { ...record, pid: q.pid, startedAt: record.startedAt ?? new Date().toISOString() };
    if (q.startTime !== undefined) r.pidStartTime = q.startTime;
    else delete r.pidStartTime;
    return r;
  }

  /** Writes `updated` (and runs `then`) under the VM's lock when it can be had; else only returns it. */
  private async underLock(record: StateRecord, heldLock: VmLock | undefined, updated: StateRecord, then: (r: StateRecord) => void): Promise<StateRecord> {
    let lock: VmLock | undefined;
    try {
      lock = heldLock ?? (await acquireLock(record.plan.paths.vmDir, 'reconcile'));
    } catch {
      return updated; // someone else holds it and will write; report what we know
    }
    try {
      this.writeRecordTolerant(record.name, updated);
      then(updated);
    } finally {
      if (!heldLock) lock.release();
    }
    return updated;
  }

  /** Reports a VM marked lost (its record is written by the caller). */
  private noteLost(lost: StateRecord, why: string): void {
    this.recordEvent(lost.name, makeEvent('error', 'lost', why, { pid: lost.pid }));
    for (const l of this.listeners.vm) l(infoFromRecord(lost));
  }

  /**
   * A record still "starting" whose start holds no lock (the process that started it died after the spawn),
   * or one whose QEMU was just adopted: attaching brings its state in line with query-status (running or
   * paused). Undefined while another process is still at it (it holds the lock) or when attaching fails.
   */
  private async attachUnwatched(name: string): Promise<VmSession | undefined> {
    let lock: VmLock;
    try {
      lock = await acquireLock(this.vmDir(name), 'adopt');
    } catch {
      return undefined;
    }
    try {
      return await this.attach(name, lock);
    } catch {
      return undefined;
    } finally {
      lock.release();
    }
  }

  /** The session for a VM: existing, or a fresh re-attach (pid alive, same QEMU by uuid). Undefined when not live. */
  private attach(name: string, heldLock?: VmLock): Promise<VmSession | undefined> {
    const s = this.sessions.get(name);
    if (s && !s.isEnded) return Promise.resolve(s);
    const pending = this.attaching.get(name);
    if (pending) return pending;
    const p = this.reattach(name, heldLock).finally(() => this.attaching.delete(name));
    this.attaching.set(name, p);
    return p;
  }

  private async reattach(name: string, heldLock?: VmLock): Promise<VmSession | undefined> {
    const record = await this.reconcile(await this.loadRecord(name), heldLock);
    if (!isLive(record.state) || !record.pid) return undefined;
    const pid = record.pid;
    const markLost = (why: string) => {
      const lost: StateRecord = { ...record, state: 'lost' };
      this.writeRecordTolerant(name, lost);
      this.noteLost(lost, why);
      return undefined;
    };
    // Sockets only in a private runtime dir: in one another user can write to, they could answer for QEMU.
    ensurePrivateRuntimeBase(runtimeBase(this.env), { create: false });
    let qmp: QmpClient;
    try {
      qmp = await this.connectRecorded(record);
    } catch (err) {
      if (err instanceof QmpTimeoutError) {
        const why = record.plan.paths.qmpSocket2 ? 'both QMP monitors are held by other vmdesk processes' : 'QMP did not greet within 3 s; another vmdesk process (the app?) is probably attached to this VM';
        throw new VmdeskError('VM_LOCKED', `${name}: ${why}. Stop it from there, or close it first`);
      }
      return markLost(`cannot reach QEMU (pid ${pid}) on its QMP socket ${record.plan.paths.qmpSocket}: ${(err as Error).message}`);
    }
    // A stolen socket path: something else answers there. QMP query-uuid tells our QEMU apart.
    const uuid = await queryUuid(qmp);
    if (!sameUuid(uuid, record.uuid)) {
      await qmp.close();
      return markLost(`the QMP socket ${record.plan.paths.qmpSocket} is answered by another QEMU (uuid ${uuid ?? 'unknown'}, expected ${record.uuid}); not touching it`);
    }
    const session = new VmSession(record, this.hooks(), undefined, this.sessionOptions());
    // Re-attached: what another process (or this one before a restart) last saw of the agent still holds.
    const seen = record.plan.task.config.guest_agent ? readAgentSeen(record.plan.paths.vmDir, record.startedAt) : undefined;
    if (seen) [session.agentStatus, session.agentSeenAt] = [seen.status, seen.at];
    session.bindQmp(qmp);
    let status: { running: boolean; status: string };
    try {
      status = await qmp.execute<{ running: boolean; status: string }>('query-status');
    } catch (err) {
      await qmp.close();
      throw err;
    }
    this.sessions.set(name, session);
    this.watchHardware(session);
    session.syncStatus(status.running);
    if (!status.running) void session.reviewRunState(status.status); // a halt is state the list shows: not put off
    this.recordEvent(name, makeEvent('lifecycle', 'reattached', `re-attached to QEMU pid ${pid} (uuid ${uuid}, status ${status.status})`, { pid, uuid, supervisorPid: process.pid }));
    // Inside recover() this waits until the list is made; elsewhere it runs now.
    this.afterAttach(() => {
      if (session.isEnded) return;
      session.startTimers();
      void this.probeAgent(session);
    });
    return session;
  }

  /** Runs work a re-attach may put off: after recover() lists the VMs when inside it, else at once. */
  private afterAttach(work: () => void): void {
    if (this.deferredWork) this.deferredWork.push(work);
    else work();
  }

  /**
   * Connects QMP to a recorded QEMU. One still "starting" (its start was interrupted, or is adopted) may not
   * listen yet: retried while it runs, up to the start deadline. Others get one try (3 s for the greeting).
   */
  private async connectRecorded(record: StateRecord): Promise<QmpClient> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 30_000);
    for (;;) {
      try {
        return await connectAnyMonitor(record.plan.paths, 3_000);
      } catch (err) {
        const retry = record.state === 'starting' && !(err instanceof QmpTimeoutError) && Date.now() < deadline && recordedPidIsOurs(record);
        if (!retry) throw err;
        await delay(100);
      }
    }
  }

  /** No session here watches the VM's logs: catches their rotation up (log-catchup.ts) and records what moved. */
  private async catchUpLogs(record: StateRecord): Promise<void> {
    for (const o of await catchUpRotation(record.plan.paths, this.opts.logMaxBytes)) {
      if (o.archived) this.recordEvent(record.name, makeEvent('lifecycle', 'log-rotated', `rotated ${o.path}: ${o.archived} bytes moved to ${o.path}.1`, { path: o.path, bytes: o.archived }));
    }
  }

  /** Watches the VM's swtpm: when it dies the VM is ended with the reason (an event, and the exit record says so). */
  private watchHardware(session: VmSession): void {
    this.watchFirmware(session);
    const tpm = session.record.tpm;
    if (!tpm) return;
    const gone = () => {
      if (session.isEnded) return;
      const message = tpmGoneMessage(tpm, session.record.plan.tpm?.log ?? 'swtpm.log');
      session.emit(makeEvent('error', 'tpm-exited', message, { pid: tpm.pid }));
      void session.endWith(message);
    };
    if (!tpmAlive(tpm)) gone();
    else this.followers.add(watchTpm(tpm, session.exit, gone));
  }

  /**
   * Follows the console while the firmware runs and reports, once each, what it printed that a user must
   * know: a boot loader Secure Boot refused; no bootable device. Stops after FIRMWARE_WATCH_BYTES of console
   * output (the guest's own output by then) or when the VM ends.
   */
  private watchFirmware(session: VmSession): void {
    const secureBoot = Boolean(session.record.plan.firmware?.secureBoot);
    let seen = '';
    let total = 0;
    const reported = new Set<string>();
    const f = followFile(session.record.plan.paths.consoleLog, (chunk) => {
      total += chunk.length;
      seen = (seen + chunk.toString('latin1')).slice(-4096);
      const found: Array<[string, string | undefined]> = [
        ['no-bootable-device', noBootableDevice(seen)],
        ['secure-boot-refused', secureBoot ? secureBootRefusal(seen) : undefined],
      ];
      for (const [type, message] of found) {
        if (!message || reported.has(type)) continue;
        reported.add(type);
        session.emit(makeEvent('error', type, message));
      }
      if (reported.size === 2 || total > FIRMWARE_WATCH_BYTES) f.stop();
    }, { fromOffset: 'end' });
    this.followers.add(f);
    void session.exit.finally(() => {
      f.stop();
      this.followers.delete(f);
    });
  }

  /** Connects QMP to a QEMU we just spawned: retried until the socket answers, QEMU exits, or the deadline. */
  private async connectAtStart(plan: Plan, exited: Promise<unknown>): Promise<QmpClient> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 30_000);
    let gone = false;
    void exited.then(() => (gone = true));
    let lastErr: Error = new Error('QMP socket never appeared');
    // Woken by the socket's creation in the runtime dir (inotify), re-checked every few ms as a fallback
    // (the socket can exist a moment before QEMU listens on it). No backoff: its overshoot would be added
    // to every start (bench: start to QMP ready).
    const wake = wakeOnChange(plan.paths.runtimeDir);
    try {
      while (!gone && Date.now() < deadline) {
        if (existsSync(plan.paths.qmpSocket)) {
          try {
            return await QmpClient.connect(plan.paths.qmpSocket, { connectTimeoutMs: Math.max(1_000, deadline - Date.now()) });
          } catch (err) {
            lastErr = err as Error;
          }
        }
        await Promise.race([wake.next(START_RECHECK_MS), exited]);
      }
    } finally {
      wake.close();
    }
    throw gone ? new Error('QEMU exited during start') : lastErr;
  }


  /** Undoes a failed start: kills QEMU if it runs, removes sockets and the overlay, restores the record. */
  private async undoStart(
    plan: Plan,
    spawned: SpawnedQemu | undefined,
    qmp: QmpClient | undefined,
    previous: StateRecord | undefined,
    createdDir: boolean,
    failed?: { record: StateRecord; message: string; stderrOffset: number },
  ): Promise<void> {
    if (qmp) await qmp.close().catch(() => undefined);
    let killed = false;
    if (spawned && isRunningPid(spawned.pid)) {
      try {
        process.kill(spawned.pid, 'SIGKILL');
        killed = true;
      } catch {
        // already gone
      }
    }
    const exit = spawned ? await Promise.race([spawned.exited, delay(5_000).then(() => undefined)]) : undefined;
    removeRuntimeDirIfUnused(plan.paths);
    if (plan.paths.overlay) rmSync(plan.paths.overlay, { force: true });
    if (failed && this.recordFailedStart(plan, failed, { killed, code: exit?.code ?? null, signal: exit?.signal ?? null })) return;
    if (previous) {
      // On a full disk the restore may fail: the record then says "starting" with a dead (or no) pid, which
      // any reader reconciles to "exited". The start's own error is the one to report.
      try {
        writeRecord(plan.paths.vmDir, previous);
      } catch {
        // see above
      }
    } else if (createdDir) {
      rmSync(plan.paths.vmDir, { recursive: true, force: true });
    } else {
      rmSync(`${plan.paths.vmDir}/vm.json`, { force: true });
    }
  }

  /** Writes the record and the event of a failed start; false when the record could not be written. */
  private recordFailedStart(plan: Plan, failed: { record: StateRecord; message: string; stderrOffset: number }, exit: { killed: boolean; code: number | null; signal: string | null }): boolean {
    const stderrTail = qemuErrorLines(readTail(plan.paths.stderrLog, 8192, failed.stderrOffset), 5);
    const record = failedStartRecord(failed.record, { message: failed.message, at: new Date().toISOString(), ...exit, ...(stderrTail ? { stderrTail } : {}) });
    try {
      writeRecord(plan.paths.vmDir, record);
    } catch {
      return false; // e.g. a full disk: undone as before, the error still reaches the caller
    }
    this.recordEvent(plan.name, makeEvent('error', 'start-failed', record.lastExit!.summary, { ...(stderrTail ? { stderrTail } : {}), killed: exit.killed }));
    const info = infoFromRecord(record);
    for (const l of this.listeners.vm) l(info);
    return true;
  }

  private async probeAgent(session: VmSession): Promise<void> {
    if (!session.record.plan.task.config.guest_agent || !session.record.plan.paths.agentSocket) return;
    // Cheap and bounded: one ping with a short deadline; the status is refreshed by every agent call.
    try {
      const ga = await GuestAgentClient.connect(session.record.plan.paths.agentSocket, { timeoutMs: 1_500 });
      try {
        await ga.ping();
        this.setAgent(session, 'responding');
      } finally {
        ga.close();
      }
    } catch {
      if (!session.isEnded) this.setAgent(session, 'not-responding');
    }
  }

  private setAgent(session: VmSession, status: 'responding' | 'not-responding'): void {
    session.agentSeenAt = this.noteAgentSeen(session.record, status);
    if (session.agentStatus === status) return;
    session.agentStatus = status;
    session.emit(makeEvent('agent', `agent-${status}`, `guest agent ${status === 'responding' ? 'responds' : 'does not respond'}`));
    for (const l of this.listeners.vm) l(session.info());
  }

  /** Persists a seen agent status next to the record (agent.json), so other processes report it; returns when. */
  private noteAgentSeen(record: StateRecord, status: AgentSeen['status']): string {
    const at = new Date().toISOString();
    if (record.startedAt) {
      try {
        void writeAgentSeen(record.plan.paths.vmDir, record.startedAt, { status, at });
      } catch {
        // a full or read-only disk: this process still knows; others say "unknown" as before
      }
    }
    return at;
  }

  /** Sets the agent status on the watching session, or (not attached here) persists it for the next inspect. */
  private sawAgent(record: StateRecord, session: VmSession | undefined, status: AgentSeen['status']): void {
    if (session) this.setAgent(session, status);
    else this.noteAgentSeen(record, status);
  }

  private async withAgent<T>(name: string, fn: (ga: GuestAgentClient) => Promise<T>, timeoutMs = 5_000): Promise<T> {
    const record = await this.reconcile(await this.loadRecord(name));
    if (!isLive(record.state)) throw new VmdeskError('VM_NOT_RUNNING', `${name} is not running`);
    if (!this.sessions.get(name)) await this.catchUpLogs(record);
    const path = record.plan.paths.agentSocket;
    if (!record.plan.task.config.guest_agent || !path) {
      throw new VmdeskError('AGENT_ERROR', `${name} has no guest agent channel: set config.guest_agent = true in the task and restart it`);
    }
    const session = this.sessions.get(name);
    let ga: GuestAgentClient;
    try {
      ga = await GuestAgentClient.connect(path, { timeoutMs: Math.min(timeoutMs, 5_000) });
    } catch (err) {
      this.sawAgent(record, session, 'not-responding');
      if (err instanceof QmpTimeoutError) {
        throw new VmdeskError('AGENT_TIMEOUT', `the guest agent of ${name} did not answer within ${err.timeoutMs} ms: is qemu-ga running in the guest (and has the guest finished booting)?`);
      }
      throw new VmdeskError('AGENT_ERROR', `guest agent of ${name}: ${(err as Error).message}`);
    }
    try {
      const r = await fn(ga);
      this.sawAgent(record, session, 'responding');
      return r;
    } catch (err) {
      if (err instanceof QmpTimeoutError) this.sawAgent(record, session, 'not-responding');
      if (err instanceof QmpTimeoutError) throw new VmdeskError('AGENT_TIMEOUT', `guest agent of ${name}: ${err.message}`);
      throw new VmdeskError('AGENT_ERROR', `guest agent of ${name}: ${(err as Error).message}`);
    } finally {
      ga.close();
    }
  }
}

function notFound(name: string): VmdeskError {
  return new VmdeskError('VM_NOT_FOUND', `no VM named "${name}" (see \`vmdesk ls\`)`);
}


/** True when the QMP socket greets and reports a uuid other than ours (a stolen socket path). */
async function qmpAnswersAsAnother(socketPath: string, uuid: string): Promise<boolean> {
  let qmp: QmpClient;
  try {
    qmp = await QmpClient.connect(socketPath, { connectTimeoutMs: 1_000 });
  } catch {
    return false;
  }
  try {
    const answered = await queryUuid(qmp, 1_000);
    return answered !== undefined && !sameUuid(answered, uuid);
  } finally {
    await qmp.close();
  }
}

/** What an adoption event says: which QEMU was found and what the record said. Pure. */
function adoptMessage(record: StateRecord, found: Identified): string {
  const said = found.recorded === 'none' ? 'no pid (the start that spawned it was interrupted before recording it)' : `pid ${record.pid}, which ${found.recorded === 'gone' ? 'is gone' : 'now belongs to another process'}`;
  return `found this VM's QEMU by its identity (uuid ${record.uuid} and its socket paths on the command line) as pid ${found.qemu!.pid}; the record said ${said}; adopted it`;
}

/**
 * A random VM uuid from the Web Crypto global, not `node:crypto`: importing that module loads ~18 of Node's
 * internal modules at start-up, paid by every command that loads the supervisor (`ls`, `inspect`, `stop`),
 * while only start needs a uuid (issue #17).
 */
function newVmUuid(): string {
  return globalThis.crypto.randomUUID();
}
