// One VM this process is attached to: its QMP session, exit detection, stop ladder, stats and console
// connection. Created by the supervisor after a start or a successful re-attach.
import { createConnection, type Socket } from 'node:net';
import { VmdeskError } from '../../shared/errors';
import type { AgentStatus, ExitRecord, StatsSample, StopStep, VmEvent, VmInfo } from '../../shared/vm';
import { QmpDisconnectedError, type QmpClient } from '../qmp/index';
import { lastLines, qemuErrorLines, readTail } from './log-tail';
import { DISK_ID } from '../driver/drive-args';
import { DEFAULT_LOG_DISK_THRESHOLDS, freeBytes, isDiskFullError, logDiskFullMessage, logDiskResumedMessage, logDiskStatus, nextLogDiskState, type LogDiskObservation, type LogDiskState, type LogDiskThresholds } from './disk-space';
import { LOG_MAX_BYTES } from './log-rotation';
import { rotateLocked } from './log-catchup';
import { isRunningPid } from './proc';
import { recordedPidIsOurs, removeRuntimeDirIfUnused } from './identity';
import { delay, sleep } from './sleep';
import type { ChildExit } from './spawn';
import { isCrash, isLive, nextState, type VmInput } from './state-machine';
import { readRecord, readRecordUuid, recordPath, writeRecord, writeRecordVisible, type StateRecord } from './state-record';
import { haltVerdict, INTERNAL_ERROR_REASON } from './halt-status';
import { infoFromRecord } from './vm-info';
import { cpuPercent, pushBounded, readCpu, STATS_INTERVAL_MS, type CpuReading } from './stats';
import { stepTimeoutMs, stopSteps, summariseExit } from './stop-ladder';

/** What a session reports upward (the supervisor persists events and notifies listeners). */
export interface SessionHooks {
  /** A timeline event; `journal: false` tells listeners only (another process wrote it to events.jsonl). */
  event(name: string, e: VmEvent, opts?: { journal: boolean }): void;
  changed(info: VmInfo): void;
  stats(name: string, s: StatsSample): void;
}

/** Options of a session. */
export interface SessionOptions {
  statsIntervalMs?: number;
  logMaxBytes?: number;
  /** When the log disk counts as full / as having space again (default: disk-space.ts). */
  logDisk?: LogDiskThresholds;
}

/** Builds a timeline event. Pure apart from the clock. */
export function makeEvent(kind: VmEvent['kind'], type: string, message: string, data?: Record<string, unknown>): VmEvent {
  return { at: new Date().toISOString(), kind, type, message, ...(data ? { data } : {}) };
}

const STEP_LABEL: Record<StopStep, string> = {
  powerdown: 'QMP system_powerdown (ACPI power button)',
  quit: 'QMP quit',
  sigterm: 'SIGTERM',
  sigkill: 'SIGKILL',
  'already-exited': 'already exited',
};

/** An attached VM. */
export class VmSession {
  private qmp: QmpClient | undefined;
  private ended = false;
  private shutdownReason: string | undefined;
  /** What QEMU's own halt meant (internal-error, io-error, ...), until the VM resumes. */
  private haltMessage: string | undefined;
  private requested = false;
  /**
   * A snapshot job vmdesk started pauses the guest and QEMU resumes it by itself: that STOP is not a pause to
   * record (a vmdesk killed mid-save would leave "paused" on disk for a guest that runs on). Cleared by RESUME
   * or the job's end.
   */
  private jobPause = false;
  private stopStep: StopStep | undefined;
  private resolveExit!: (e: ExitRecord) => void;
  /** Resolves with the exit record when QEMU exits. */
  readonly exit: Promise<ExitRecord>;
  agentStatus: AgentStatus;
  /** When agentStatus was last seen (ISO); undefined while unknown. */
  agentSeenAt: string | undefined;
  history: StatsSample[] = [];
  private statsTimer: NodeJS.Timeout | undefined;
  private lastCpu: CpuReading | undefined;
  private consoleSock: Socket | undefined;
  private rotating = false;
  private rotationWarned = false;
  /** Logs on a filesystem without hole punching: not retried (each try would copy the head for nothing). */
  private readonly rotationUnsupported = new Set<string>();
  private logDisk: LogDiskState = { full: false };
  /** The state record could not be written (full disk): the one on disk is the previous, whole one; retried each tick. */
  private recordDirty = false;
  private stopping: Promise<{ step: StopStep; durationMs: number }> | undefined;
  /** QEMU paused the VM because the guest's write to its overlay (on the log disk) found no space. */
  private pausedForSpace = false;

  constructor(
    readonly record: StateRecord,
    private readonly hooks: SessionHooks,
    private readonly child: { exited: Promise<ChildExit> } | undefined,
    private readonly opts: SessionOptions = {},
  ) {
    this.exit = new Promise((r) => (this.resolveExit = r));
    this.agentStatus = record.plan.task.config.guest_agent ? 'unknown' : 'disabled';
    // A child we spawned tells us itself when it exits (with its code or signal): no polling.
    child?.exited.then((e) => this.finish(e.code, e.signal, false));
  }

  get name(): string {
    return this.record.name;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Takes over a connected QMP session: events, and (for a VM that is not our child) exit detection. */
  bindQmp(qmp: QmpClient): void {
    this.qmp = qmp;
    qmp.onEvent((e) => {
      // A halt vmdesk ended keeps its reason: the SHUTDOWN that follows our quit is not the cause.
      if (e.event === 'SHUTDOWN' && typeof e.data.reason === 'string' && this.shutdownReason !== INTERNAL_ERROR_REASON) this.shutdownReason = e.data.reason;
      if (e.event === 'BLOCK_IO_ERROR') this.onBlockIoError(e.data);
      this.emit(makeEvent('qmp', e.event, qmpEventMessage(e.event, e.data), { ...e.data, qmpAt: new Date(e.at).toISOString() }));
      if (e.event === 'JOB_STATUS_CHANGE' && (e.data.status === 'concluded' || e.data.status === 'null')) this.jobPause = false;
      if (e.event === 'STOP' && this.jobPause) return;
      if (e.event === 'RESUME') this.jobPause = false;
      this.apply({ type: 'qmp-event', event: e.event });
      if (e.event === 'STOP' && !this.requested) void this.askWhyStopped(qmp);
      if (e.event === 'RESUME') this.haltMessage = undefined;
    });
    qmp.onClose(() => {
      if (this.qmp === qmp) this.qmp = undefined;
      if (!this.child && !this.ended) void this.onQmpClosed();
    });
  }

  /** After a STOP nobody asked for: asks QEMU why (query-status), then reviews the answer. */
  private async askWhyStopped(qmp: QmpClient): Promise<void> {
    let status: string;
    try {
      status = (await qmp.execute<{ status: string }>('query-status')).status;
    } catch {
      return; // QEMU is going away: its exit is reported on its own
    }
    await this.reviewRunState(status);
  }

  /** Ends the VM for a reason vmdesk found outside QEMU (its swtpm died): QMP quit, and the exit record says `message`. */
  async endWith(message: string): Promise<void> {
    const qmp = this.qmp;
    if (this.ended || !qmp) return;
    this.haltMessage = message;
    this.shutdownReason = INTERNAL_ERROR_REASON;
    try {
      await qmp.execute('quit');
    } catch {
      // quit closes the connection as QEMU exits; the exit is recorded by finish()
    }
  }

  /** Reports a halt QEMU made by itself (also found on re-attach), and ends a VM that can never resume. */
  async reviewRunState(status: string): Promise<void> {
    const qmp = this.qmp;
    const verdict = haltVerdict(status, this.record.plan.task.config.accelerator);
    if (!verdict || this.ended || !qmp || this.haltMessage !== undefined) return;
    this.haltMessage = verdict.message;
    this.emit(makeEvent('error', 'halted', verdict.message, { status }));
    if (!verdict.fatal) return;
    this.shutdownReason = INTERNAL_ERROR_REASON;
    try {
      await qmp.execute('quit');
    } catch {
      // quit closes the connection as QEMU exits; the exit is recorded by finish()
    }
  }

  /** Marks the VM running (or paused) after query-status. */
  markReady(running: boolean): void {
    this.apply({ type: 'qmp-ready', running });
  }

  /** Brings a re-attached VM's state in line with query-status (it may have been paused meanwhile). */
  syncStatus(running: boolean): void {
    if (this.record.state === 'starting') this.markReady(running);
    else this.apply({ type: 'qmp-event', event: running ? 'RESUME' : 'STOP' });
  }

  /** Starts periodic stats (and log-size checks) while the VM lives. */
  startTimers(): void {
    const interval = this.opts.statsIntervalMs ?? STATS_INTERVAL_MS;
    this.statsTimer = setInterval(() => this.tick(), interval);
    this.statsTimer.unref();
    this.tick();
  }

  /** The VM as inspect shows it. */
  info(): VmInfo {
    const info = infoFromRecord(this.record, { status: this.agentStatus, ...(this.agentSeenAt ? { at: this.agentSeenAt } : {}) });
    return this.logDisk.full ? { ...info, logDisk: logDiskStatus(this.logDisk, this.record.plan.paths.vmDir) } : info;
  }


  /** Writes the record again if a full disk refused it (an ended session has no timer left to retry). */
  retryRecordWrite(): void {
    if (this.recordDirty) this.writeRecordNow();
  }

  /**
   * A write under the VM directory failed (an event append, the record, a rotation). Disk-full errors start
   * (or continue) a log-disk-full episode; the episode is reported once.
   */
  noteWriteFailure(path: string, err: unknown): void {
    if (!isDiskFullError(err)) return;
    this.observeLogDisk({ type: 'write-failed', path, error: (err as Error).message, freeBytes: freeBytes(this.record.plan.paths.vmDir), at: new Date().toISOString() });
  }

  /** Runs the stop ladder; resolves with the step that ended the VM. Concurrent calls share one run. */
  stop(opts: { force?: boolean; timeoutMs?: number } = {}): Promise<{ step: StopStep; durationMs: number }> {
    if (this.ended) return Promise.resolve({ step: 'already-exited', durationMs: 0 });
    this.stopping ??= this.runLadder(opts);
    return this.stopping;
  }

  /** Sends bytes to the serial console (one connection, drained, kept while attached). */
  async writeConsole(data: string | Uint8Array): Promise<void> {
    if (this.ended) throw new VmdeskError('VM_NOT_RUNNING', `${this.name} is not running`);
    const sock = await this.consoleConnection();
    await new Promise<void>((resolve, reject) => sock.write(data, (err) => (err ? reject(err) : resolve())));
  }

  /** Detaches (QEMU keeps running): closes QMP and the console connection, stops timers. */
  async detach(): Promise<void> {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.consoleSock?.destroy();
    const q = this.qmp;
    this.qmp = undefined;
    if (q) await q.close();
  }

  /** Runs one QMP command on this VM's monitor. */
  async execute<T>(command: string, args?: Record<string, unknown>, opts: { timeoutMs?: number } = {}): Promise<T> {
    if (this.ended || !this.qmp) throw new VmdeskError('VM_NOT_RUNNING', `${this.name} is not running (no QMP connection)`);
    if ((command === 'snapshot-save' || command === 'snapshot-load') && this.record.state === 'running') {
      this.jobPause = true;
      return this.qmp.execute<T>(command, args, opts).catch((err: unknown) => {
        this.jobPause = false; // no job was made: a later STOP is a real pause
        throw err;
      });
    }
    return this.qmp.execute<T>(command, args, opts);
  }

  /** Records an event for this VM. */
  emit(e: VmEvent): void {
    this.hooks.event(this.name, e);
  }

  private apply(input: VmInput): void {
    const next = nextState(this.record.state, input);
    if (next === this.record.state) return;
    this.record.state = next;
    this.persist();
  }

  /**
   * Writes the record. A live state (running, paused, stopping) is written visible-now, durable-soon
   * (writeRecordVisible: no fsync blocking the event loop, which would also delay noticing an exit); the
   * final record (`durable`) is fsynced before this returns, so stop() returns only after it is on disk.
   */
  private persist(opts: { notify: boolean; durable?: boolean } = { notify: true }): void {
    this.writeRecordNow(opts.durable === true);
    if (opts.notify) this.hooks.changed(this.info());
  }

  /** Writes the record; on a full disk the previous record stays whole on disk and the write is retried each tick. */
  private writeRecordNow(durable = true): boolean {
    try {
      // Both throw before anything is published when the disk is full (the background fsync never rejects).
      if (durable) writeRecord(this.record.plan.paths.vmDir, this.record);
      else void writeRecordVisible(this.record.plan.paths.vmDir, this.record);
      this.recordDirty = false;
      return true;
    } catch (err) {
      if (isDiskFullError(err)) {
        this.recordDirty = true;
        this.noteWriteFailure(recordPath(this.record.plan.paths.vmDir), err);
      } else {
        this.emit(makeEvent('error', 'record-write-failed', `cannot write the state record: ${(err as Error).message}`));
      }
      return false;
    }
  }

  /**
   * QEMU's default for a drive is werror=enospc: a guest write that finds no space pauses the VM (status
   * "io-error") and is retried on `cont` (QEMU docs, -drive werror). A disposable VM's overlay lives in the VM
   * directory, on the log disk: that is part of the same episode, and the VM is continued when space returns.
   * Only the task's own disk (DISK_ID) on an overlay counts: a full disk elsewhere is not ours to watch.
   */
  private onBlockIoError(data: Record<string, unknown>): void {
    const overlay = this.record.plan.paths.overlay;
    if (data.nospace !== true || data.device !== DISK_ID || !overlay) return;
    if (data.action === 'stop') this.pausedForSpace = true;
    const error = Object.assign(new Error(`the guest's write to its disposable overlay found no space; QEMU ${data.action === 'stop' ? 'paused the VM (werror=enospc) until space returns' : `action ${String(data.action)}`}`), { code: 'ENOSPC' });
    this.noteWriteFailure(overlay, error);
  }

  /** Space is back: continue a VM that QEMU paused for lack of it (its failed writes are retried by QEMU). */
  private async continueAfterSpace(): Promise<void> {
    const qmp = this.qmp;
    if (!qmp || this.ended) return;
    try {
      const status = await qmp.execute<{ running: boolean; status: string }>('query-status', undefined, { timeoutMs: 5_000 });
      if (status.status !== 'io-error') return; // paused for another reason (a user's stop): not ours to resume
      await qmp.execute('cont', undefined, { timeoutMs: 5_000 });
      this.emit(makeEvent('lifecycle', 'continued-after-disk-full', 'QEMU had paused the VM when its disk overlay found no space; continued now that there is space (QMP cont; QEMU retries the failed writes)'));
    } catch (err) {
      this.emit(makeEvent('error', 'continue-failed', `the VM was paused for lack of disk space and could not be continued: ${(err as Error).message}; continue it yourself once space is back`));
    }
  }

  private observeLogDisk(obs: LogDiskObservation): void {
    const before = this.logDisk;
    const d = nextLogDiskState(before, obs, this.opts.logDisk ?? DEFAULT_LOG_DISK_THRESHOLDS);
    this.logDisk = d.state;
    const vmDir = this.record.plan.paths.vmDir;
    if (d.report === 'full' && d.state.full) {
      const msg = logDiskFullMessage(d.state, vmDir);
      this.emit(makeEvent('error', 'log-disk-full', msg, { path: d.state.path, vmDir, ...(d.state.freeBytes !== undefined ? { freeBytes: d.state.freeBytes } : {}), cause: d.state.cause }));
      this.hooks.changed(this.info());
    } else if (d.report === 'resumed' && before.full) {
      // The record first (it may hold a state change made while the disk was full), then the event, whose
      // append also writes every event kept in memory meanwhile, in order.
      if (this.recordDirty) this.writeRecordNow();
      const free = obs.type === 'free-space' ? obs.freeBytes : undefined;
      this.emit(makeEvent('lifecycle', 'log-disk-resumed', logDiskResumedMessage(before.since, free, vmDir), { vmDir, since: before.since, ...(free !== undefined ? { freeBytes: free } : {}) }));
      this.hooks.changed(this.info());
      if (this.pausedForSpace) {
        this.pausedForSpace = false;
        void this.continueAfterSpace();
      }
    }
  }

  /** Once per tick: measure the free space of the log disk; retry a record write the full disk refused. */
  private checkLogDisk(): void {
    const vmDir = this.record.plan.paths.vmDir;
    const free = freeBytes(vmDir);
    this.observeLogDisk({ type: 'free-space', path: vmDir, freeBytes: free, at: new Date().toISOString() });
    if (this.recordDirty && (free === undefined || !this.logDisk.full)) {
      // Without statfs a successful write is the only sign that space is back.
      if (this.writeRecordNow() && free === undefined) this.observeLogDisk({ type: 'write-ok', path: recordPath(vmDir), at: new Date().toISOString() });
    }
  }

  private async runLadder(opts: { force?: boolean; timeoutMs?: number }): Promise<{ step: StopStep; durationMs: number }> {
    const t0 = Date.now();
    const task = this.record.plan.task;
    this.requested = true;
    this.record.stopRequestedAt = new Date().toISOString();
    this.apply({ type: 'stop-requested' });
    this.persist();
    const steps = stopSteps({ gracefulShutdown: task.config.graceful_shutdown, force: Boolean(opts.force) });
    for (const step of steps) {
      if (this.ended) break;
      this.stopStep = step;
      const waitMs = opts.timeoutMs ?? stepTimeoutMs(step, task.kill_timeout_ms);
      this.emit(makeEvent('stop', 'stop-step', `stop: ${STEP_LABEL[step]}, waiting up to ${waitMs} ms for QEMU to exit`, { step, timeoutMs: waitMs }));
      try {
        await this.performStep(step);
      } catch (err) {
        this.emit(makeEvent('error', 'stop-step-failed', `stop: ${STEP_LABEL[step]} failed: ${(err as Error).message}; going to the next step`, { step }));
        continue;
      }
      const timer = sleep(waitMs);
      const exited = await Promise.race([this.exit.then(() => true), timer.done.then(() => false)]);
      timer.cancel();
      if (exited) break;
      this.emit(makeEvent('stop', 'stop-step-timeout', `stop: QEMU still running ${waitMs} ms after ${STEP_LABEL[step]}`, { step }));
    }
    if (!this.ended) {
      throw new VmdeskError('STOP_FAILED', `${this.name}: QEMU (pid ${this.record.pid}) survived every stop step including SIGKILL`);
    }
    const exit = await this.exit;
    return { step: exit.stopStep ?? 'already-exited', durationMs: Date.now() - t0 };
  }

  private async performStep(step: StopStep): Promise<void> {
    const pid = this.record.pid;
    switch (step) {
      case 'powerdown':
        if (!this.qmp) throw new Error('no QMP connection');
        await this.qmp.execute('system_powerdown', undefined, { timeoutMs: 5_000 });
        return;
      case 'quit':
        if (!this.qmp) throw new Error('no QMP connection');
        try {
          await this.qmp.execute('quit', undefined, { timeoutMs: 5_000 });
        } catch (err) {
          // QEMU may close the socket before its reply reaches us: that is quit succeeding.
          if (!(err instanceof QmpDisconnectedError)) throw err;
        }
        return;
      case 'sigterm':
      case 'sigkill':
        if (!pid) throw new Error('no pid recorded');
        // Never signal a pid that now belongs to another process (identity.ts: start time, uuid and sockets).
        if (!recordedPidIsOurs(this.record)) return;
        process.kill(pid, step === 'sigterm' ? 'SIGTERM' : 'SIGKILL');
        return;
      case 'already-exited':
        return;
    }
  }

  /**
   * QMP closed on a VM that is not our child. QEMU closes its sockets as it exits, a moment before the
   * kernel marks it a zombie (or reaps it), so the pid is checked with kill(pid, 0) + /proc state right
   * away and then a few times over at most 2 s. Not a polling loop: it runs once per close.
   */
  private async onQmpClosed(): Promise<void> {
    const pid = this.record.pid;
    for (let i = 0; i < 200; i++) {
      if (!pid || !isRunningPid(pid)) {
        // QEMU sends SHUTDOWN before any orderly exit (guest power-off, quit, SIGTERM/SIGINT/SIGHUP: reason
        // host-signal); an exit with QMP watching and no SHUTDOWN is a kill or a crash.
        await this.finish(null, null, true, true);
        return;
      }
      await delay(10);
    }
    this.emit(makeEvent('error', 'qmp-lost', 'the QMP connection closed but QEMU still runs; watching its pid instead'));
    // Last resort only: without QMP there is no exit notification for a process that is not our child.
    const watch = setInterval(() => {
      if (!pid || !isRunningPid(pid)) {
        clearInterval(watch);
        void this.finish(null, null, true);
      }
    }, 500);
    watch.unref();
  }

  private async finish(code: number | null, signal: string | null, statusUnknown: boolean, qmpWatched = false): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.consoleSock?.destroy();
    if (!this.requested && (await this.adoptExitRecordedElsewhere())) return;
    const facts = { code, signal, requested: this.requested, ...(this.shutdownReason ? { shutdownReason: this.shutdownReason } : {}), ...(this.requested && this.stopStep ? { stopStep: this.stopStep } : {}) };
    const diedUnannounced = statusUnknown && qmpWatched && !this.requested && !this.shutdownReason;
    const crash = isCrash({ ...facts, diedUnannounced });
    const record: ExitRecord = {
      at: new Date().toISOString(),
      ...facts,
      summary: this.shutdownReason === INTERNAL_ERROR_REASON && this.haltMessage
        ? `ended by vmdesk: ${this.haltMessage}`
        : diedUnannounced
        ? `QEMU (pid ${this.record.pid}) died without a shutdown event (killed by a signal or crashed; it was not a child of this process, so its exit status is unknown)`
        : summariseExit({ ...facts, statusUnknown }),
    };
    if (crash) {
      const tail = qemuErrorLines(readTail(this.record.plan.paths.stderrLog, 4096), 5);
      if (tail) record.stderrTail = tail;
    }
    this.record.lastExit = record;
    delete this.record.stopRequestedAt;
    this.record.state = nextState(this.record.state, { type: 'exited', ...facts, diedUnannounced });
    // The VM was destroyed, or started again, before this exit reached us (a late child-exit event): its
    // directory now belongs to another run. Tell the listeners; write nothing, remove nothing.
    const superseded = this.supersededOnDisk();
    this.hooks.event(
      this.name,
      makeEvent(crash ? 'error' : 'lifecycle', crash ? 'crashed' : 'exited', record.summary, {
        code,
        signal,
        ...(record.shutdownReason ? { shutdownReason: record.shutdownReason } : {}),
        requested: record.requested,
        ...(record.stopStep ? { stopStep: record.stopStep } : {}),
        ...(crash ? { consoleTail: lastLines(readTail(this.record.plan.paths.consoleLog, 2048), 10) } : {}),
      }),
      { journal: !superseded },
    );
    // Listeners first (the app shows the exit at once), then the durable record (its write fsyncs: from a
    // few to tens of ms on a busy disk). Both run before any awaiting caller (stop()) resumes.
    this.hooks.changed(this.info());
    if (!superseded) {
      removeRuntimeDirIfUnused(this.record.plan.paths); // kept while another QEMU of this VM uses it
      this.persist({ notify: false, durable: true });
    }
    const q = this.qmp;
    this.qmp = undefined;
    if (q) void q.close();
    this.resolveExit(record);
  }

  /** The record on disk when it is this run's (same uuid); undefined when it is missing, corrupt or another run's. */
  private ownRecordOnDisk(): StateRecord | undefined {
    const r = readRecord(this.record.plan.paths.vmDir);
    return r.ok && r.record.uuid === this.record.uuid ? r.record : undefined;
  }

  /** This run's exit as recorded on disk by another vmdesk process (same uuid, final state), if there is one. */
  exitRecordedElsewhere(): (StateRecord & { lastExit: ExitRecord }) | undefined {
    const r = this.ownRecordOnDisk();
    return recordedExit(r) ? r : undefined;
  }

  /** True when the record on disk is gone (the VM was destroyed) or is another run's (another uuid). */
  private supersededOnDisk(): boolean {
    const uuid = readRecordUuid(this.record.plan.paths.vmDir); // no schema check: on the exit path (#19)
    return uuid === 'missing' || (uuid !== undefined && uuid !== this.record.uuid);
  }

  /**
   * Another vmdesk process stopped this VM through the second QMP monitor (its stop request, or already the
   * exit, is in the record on disk, same uuid) and records the exit itself: this session takes that record
   * rather than writing a second, unrequested exit. Waits up to 3 s for it; a stop request whose process
   * never finishes is still honoured (the exit counts as requested). True when the other record was adopted.
   */
  private async adoptExitRecordedElsewhere(): Promise<boolean> {
    const first = this.ownRecordOnDisk();
    if (!first?.stopRequestedAt && !recordedExit(first)) return false;
    this.requested = first.stopRequestedAt !== undefined || first.lastExit?.requested === true;
    for (const end = Date.now() + 3_000; Date.now() < end; await delay(25)) {
      const theirs = this.exitRecordedElsewhere();
      if (theirs) {
        this.record.state = theirs.state;
        this.record.lastExit = theirs.lastExit;
        delete this.record.stopRequestedAt;
        const how = makeEvent(isCrash(theirs.lastExit) ? 'error' : 'lifecycle', isCrash(theirs.lastExit) ? 'crashed' : 'exited', theirs.lastExit.summary, { requested: theirs.lastExit.requested, recordedBy: 'another vmdesk process' });
        this.hooks.event(this.name, how, { journal: false });
        this.hooks.changed(this.info());
        const q = this.qmp;
        this.qmp = undefined;
        if (q) void q.close();
        this.resolveExit(theirs.lastExit);
        return true;
      }
    }
    return false;
  }

  private tick(): void {
    const pid = this.record.pid;
    if (!pid || this.ended || !isLive(this.record.state)) return;
    const now = readCpu(pid);
    if (now) {
      if (this.lastCpu) {
        const sample: StatsSample = { at: now.reading.at, cpuPercent: cpuPercent(this.lastCpu, now.reading), rssBytes: now.rssBytes };
        this.history = pushBounded(this.history, sample);
        this.hooks.stats(this.name, sample);
      }
      this.lastCpu = now.reading;
    }
    this.checkLogDisk();
    // Rotation copies before it frees: on a full disk it can only fail. It waits for space.
    if (!this.logDisk.full) void this.rotateLogs();
  }

  private async rotateLogs(): Promise<void> {
    if (this.rotating) return;
    this.rotating = true;
    try {
      for (const path of [this.record.plan.paths.consoleLog, this.record.plan.paths.stderrLog]) {
        if (this.rotationUnsupported.has(path)) continue;
        let r: Awaited<ReturnType<typeof rotateLocked>>;
        try {
          r = await rotateLocked(this.record.plan.paths.vmDir, path, this.opts.logMaxBytes ?? LOG_MAX_BYTES); // busy: another process is at it
        } catch (err) {
          if (isDiskFullError(err)) this.noteWriteFailure(`${path}.1`, err);
          else this.emit(makeEvent('error', 'log-rotation-failed', `log rotation of ${path} failed: ${(err as Error).message}`, { path }));
          continue;
        }
        if (r.rotated) this.emit(makeEvent('lifecycle', 'log-rotated', `rotated ${path}: ${r.archived} bytes moved to ${path}.1`, { path, bytes: r.archived }));
        else if ('unsupported' in r) {
          this.rotationUnsupported.add(path);
          if (!this.rotationWarned) {
            this.rotationWarned = true;
            this.emit(makeEvent('error', 'log-rotation-unsupported', `cannot rotate ${path} without losing bytes (${r.unsupported}); the log keeps growing`, { path }));
          }
        }
      }
    } catch (err) {
      this.emit(makeEvent('error', 'log-rotation-failed', `log rotation failed: ${(err as Error).message}`));
    } finally {
      this.rotating = false;
    }
  }

  private consoleConnection(): Promise<Socket> {
    if (this.consoleSock && !this.consoleSock.destroyed) return Promise.resolve(this.consoleSock);
    return new Promise((resolve, reject) => {
      const s = createConnection({ path: this.record.plan.paths.consoleSocket });
      s.once('connect', () => {
        // QEMU sends console output to the connected client too. It must be drained, or a full socket
        // buffer would stall the guest's serial output (and the log file with it). The log has it all.
        s.on('data', () => undefined);
        this.consoleSock = s;
        resolve(s);
      });
      s.once('error', (err) => reject(new VmdeskError('VM_NOT_RUNNING', `cannot connect to the console of ${this.name}: ${err.message}`)));
      s.on('close', () => {
        if (this.consoleSock === s) this.consoleSock = undefined;
      });
    });
  }
}

/** A readable message for a QMP event. Pure. */
export function qmpEventMessage(event: string, data: Record<string, unknown>): string {
  switch (event) {
    case 'SHUTDOWN':
      return `QEMU shutdown (${String(data.reason ?? 'unknown reason')})`;
    case 'POWERDOWN':
      return 'ACPI power button pressed';
    case 'STOP':
      return 'VM paused';
    case 'RESUME':
      return 'VM resumed';
    case 'RESET':
      // qapi/run-state.json ShutdownCause: guest-reset is the guest's own reboot; host-qmp-system-reset is ours.
      if (data.reason === 'guest-reset') return 'the guest rebooted (QEMU reset it in place; same process, same ports)';
      if (data.reason === 'host-qmp-system-reset') return 'reset by vmdesk (Reboot): the guest boots again in the same QEMU';
      return `VM reset (${String(data.reason ?? 'unknown reason')})`;
    case 'BLOCK_IO_ERROR':
      return `disk I/O error on ${String(data.device || data['node-name'] || 'a drive')} (${String(data.operation ?? 'unknown operation')}${data.nospace === true ? ', no space left' : data.reason ? `, ${String(data.reason)}` : ''}); QEMU action: ${String(data.action ?? 'unknown')}`;
    case 'GUEST_PANICKED':
      return 'the guest kernel panicked';
    // The rest as QEMU 7.2's QAPI schema describes them (qapi/net.json, misc-target.json, char.json, run-state.json).
    case 'NIC_RX_FILTER_CHANGED':
      return `the guest set up its network card${data.name ? ` ${String(data.name)}` : ''} (its driver changed the receive filter)`;
    case 'RTC_CHANGE':
      return `the guest set its clock (${String(data.offset ?? '?')} s from the host's)`;
    case 'VSERPORT_CHANGE':
      return `the guest ${data.open === true ? 'opened' : 'closed'} virtio serial port ${String(data.id || '(unnamed)')} (the guest agent's channel, when the task has one)`;
    case 'WATCHDOG':
      return `the guest's watchdog fired (QEMU action: ${String(data.action ?? 'unknown')})`;
    case 'GUEST_CRASHLOADED':
      return 'the guest kernel panicked and loaded its crash kernel';
    case 'SUSPEND':
      return 'the guest suspended itself (ACPI S3)';
    case 'SUSPEND_DISK':
      return 'the guest suspended itself to disk (ACPI S4)';
    case 'WAKEUP':
      return 'the guest woke up';
    case 'DEVICE_TRAY_MOVED':
      return `the tray of ${String(data.id || data.device || 'a drive')} was ${data['tray-open'] === true ? 'opened' : 'closed'}`;
    default:
      return `QMP event ${event}`;
  }
}

/** True for a record that holds a final exit (not live, with its exit record). Pure. */
function recordedExit(r: StateRecord | undefined): r is StateRecord & { lastExit: ExitRecord } {
  return r !== undefined && !isLive(r.state) && r.lastExit !== undefined;
}
