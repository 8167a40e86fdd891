// The app's services: what each IPC channel does, as plain functions over the supervisor, the driver, the
// task files and the settings store. No Electron here (native dialogs and the browser are injected), so the
// whole table runs under plain Node: unit tests, and the browser harness that drives the renderer.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import type { Handlers } from '../ipc/dispatch';
import type { SupervisorApi } from '../supervisor/api';
import type { LogPage, ValidationResult } from '../../shared/ipc-contract';
import type { TokenVault } from './token-vault';
import { invokeContract, type InvokeName } from '../../shared/ipc-contract';
import { lazyOnce } from './lazy-once';
import { parseSettings, type Settings } from '../../shared/settings';
import { parseTask, type TaskFile } from '../../shared/task';
import { toErrorData, VmdeskError } from '../../shared/errors';
import { isLive, type VmInfo } from '../../shared/vm';
import { vmLogFile } from '../store/paths';
import { readLogRange } from '../supervisor/log-read';
import { locateTask } from '../store/task-locate';
import type { AppEventSink } from './app-events';
import type { SettingsStore } from './settings-store';
import { expandHomeInTask, resolveImageInput } from './image-path-input';
import { writeDuplicate } from './duplicate-vm';
import { forwardedPortUrl, isForwardedPortUrl } from './forwarded-port';
import { inspectImageForForm, runDoctor, validateTaskForForm } from './driver-adapter';
import { definedVm, listWithDefinitions } from './vm-list';
import { moveOwnDirTask, readTaskJson, removeTaskFile, taskExists, tasksDir, writeTaskJson } from './task-store';
import { controlCommand, type VmControl } from './vm-control';
import { makeEvent } from '../supervisor/vm-session';

/** What the services need from the outside; Electron-specific parts are injected by src/main/index.ts. */
export interface AppDeps {
  /** $VMDESK_HOME. */
  home: string;
  env?: NodeJS.ProcessEnv;
  supervisor: SupervisorApi;
  settings: SettingsStore;
  /** The native open-file dialog; null when cancelled. */
  showOpenImageDialog(): Promise<string | null>;
  /** The native open-file dialog for a Nomad job file; null when cancelled. */
  showOpenJobDialog(): Promise<string | null>;
  /** The native save-file dialog; null when cancelled. */
  showSaveDialog(defaultName: string, title?: string): Promise<string | null>;
  /** Seals the saved Nomad token (Electron safeStorage in the app); absent: tokens are never saved. */
  tokenVault?: TokenVault;
  /** Asks the user (a native dialog) whether VMs may use images in `dir`; true to add it to image_paths. */
  confirmAllowFolder(dir: string): Promise<boolean>;
  /** Opens a URL in the system browser (called only with checked forwarded-port URLs). */
  openExternal(url: string): Promise<void>;
}

/** The services: the IPC handler table plus what the app lifecycle needs. */
export interface AppServices {
  handlers: Handlers;
  /** Adds a receiver of app events; returns the unsubscribe. */
  subscribe(sink: AppEventSink): () => void;
  /** VMs that are running (or starting, paused, stopping) now. */
  activeVms(): Promise<VmInfo[]>;
  /** Last known infos, for synchronous checks (the window-open handler). */
  knownVms(): readonly VmInfo[];
  /** Stops every active VM gracefully (in parallel); resolves when all have stopped or failed. */
  stopAll(): Promise<void>;
  /** Current preferences, settings errors ignored. */
  settings(): Settings | undefined;
  /** Drops console subscriptions and supervisor listeners (the supervisor itself is closed by its owner). */
  close(): void;
}

const CONSOLE_BACKLOG_BYTES = 64 * 1024;
const LOG_PAGE_DEFAULT_BYTES = 1024 * 1024;

/** True when `child` (a real path) lies inside `parent` (a real path). */
function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Creates the services over the given dependencies and forwards supervisor notifications to subscribers. */
export function createAppServices(deps: AppDeps): AppServices {
  const { home, supervisor } = deps;
  const env = deps.env ?? process.env;
  // The task directory must exist: it is where relative image paths resolve and an allowed image place.
  mkdirSync(tasksDir(home), { recursive: true, mode: 0o700 });
  const sinks = new Set<AppEventSink>();
  const consoleSubs = new Map<string, () => void>();
  const known = new Map<string, VmInfo>();
  const emit: AppEventSink['emit'] = (event, payload) => {
    for (const s of sinks) s.emit(event, payload);
  };

  const offs = [
    supervisor.on('vm', (info) => {
      known.set(info.name, info);
      emit('vmChanged', info);
    }),
    supervisor.on('removed', (name) => {
      known.delete(name);
      emit('vmRemoved', { name });
    }),
    supervisor.on('event', (name, event) => emit('vmEvent', { name, event })),
    supervisor.on('stats', (name, sample) => emit('vmStats', { name, sample })),
  ];

  /** The supervisor's record of `name`, or undefined when it has none. */
  /** Pause, resume or reboot: the QMP command if the VM's state allows it (vm-control.ts), then the VM as it is now. */
  async function control(name: string, what: VmControl): Promise<VmInfo> {
    const before = await supervisor.inspect(name);
    const command = controlCommand(name, before.state, what);
    if (what === 'reboot') supervisor.recordVmEvent(name, makeEvent('lifecycle', 'reboot-requested', 'Reboot asked for: the guest is reset (QMP system_reset); QEMU keeps running'));
    await supervisor.qmp(name, command, undefined, { timeoutMs: 10_000 });
    const info = await supervisor.inspect(name);
    known.set(name, info);
    return info;
  }

  async function supervised(name: string): Promise<VmInfo | undefined> {
    try {
      const info = await supervisor.inspect(name);
      known.set(name, info);
      return info;
    } catch (err) {
      if (err instanceof VmdeskError && err.code === 'VM_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** The task file that defines `name`: the app's own, else the one the supervisor ran it from (locateTask's rule). */
  async function taskFileOf(name: string): Promise<string> {
    const where = await locateTask(home, name);
    if (where?.kind === 'file') return where.path;
    // Only the record is left: its task file is gone, and starting from it says so.
    if (where?.taskFile) return where.taskFile;
    throw new VmdeskError('VM_NOT_FOUND', `no VM named "${name}"; create it first (or check the name)`);
  }

  async function infoOf(name: string): Promise<VmInfo> {
    const info = await supervised(name);
    if (info) return info;
    const defined = await definedVm(home, name);
    if (defined) return defined;
    throw new VmdeskError('VM_NOT_FOUND', `no VM named "${name}"; create it first (or check the name)`);
  }

  /** The folder relative image paths of VM `name` resolve in (its task file's); the tasks folder for a new VM. */
  async function taskDirOf(name: string | undefined): Promise<string> {
    if (name === undefined) return tasksDir(home);
    const where = await locateTask(home, name).catch(() => undefined);
    const file = where?.kind === 'file' ? where.path : where?.taskFile;
    return file ? dirname(file) : tasksDir(home);
  }

  async function exists(name: string): Promise<boolean> {
    return (await taskExists(home, name)) || (await supervised(name)) !== undefined;
  }

  function currentSettings(): Settings {
    return deps.settings.get();
  }

  async function allowedImageDirs(): Promise<string[]> {
    const dirs = [tasksDir(home), ...currentSettings().driver.image_paths];
    const real = await Promise.all(dirs.map((d) => realpath(d).catch(() => undefined)));
    return real.filter((d): d is string => d !== undefined);
  }

  async function isAllowedImage(path: string): Promise<boolean> {
    const real = await realpath(path).catch(() => undefined);
    if (!real) return false;
    return (await allowedImageDirs()).some((d) => isInside(real, d));
  }

  /** Asks the user whether VMs may use the folder of `image`; adds it to image_paths if so. */
  async function allowFolderOf(image: string): Promise<boolean> {
    const dir = dirname(await realpath(image));
    if (!(await deps.confirmAllowFolder(dir))) return false;
    const s = currentSettings();
    if (!s.driver.image_paths.includes(dir)) deps.settings.set({ ...s, driver: { ...s.driver, image_paths: [...s.driver.image_paths, dir] } });
    return true;
  }

  async function emitDefinition(name: string): Promise<void> {
    emit('vmChanged', await infoOf(name));
  }

  // Nomad, artifacts, display, ssh terminal and checks: loaded on the first call of one of their channels
  // (deferred-services.ts), so the first window does not wait for the HCL parser, archive readers or VNC.
  const deferred = lazyOnce(async () => {
    const { createDeferredServices } = await import('./deferred-services');
    return createDeferredServices({
      home,
      env,
      supervisor,
      settings: deps.settings,
      ...(deps.tokenVault ? { tokenVault: deps.tokenVault } : {}),
      driverConfig: () => currentSettings().driver,
      exists,
      taskFileOf,
      infoOf,
      announce: emitDefinition,
      emit,
      showOpenJobDialog: deps.showOpenJobDialog,
      showSaveDialog: deps.showSaveDialog,
    });
  });
  const fetchBeforeStart = async (name: string, taskFile: string) => (await deferred.get()).fetchBeforeStart(name, taskFile);
  // A killed app (or `vmdesk test`) could not stop its test VM: clean up after it first, as every CLI command does.
  void import('../checks/orphans').then((m) => m.cleanUpOrphanedTests(home, supervisor)).catch(() => undefined);

  const eager: Partial<Handlers> = {
    async listVms() {
      const records = await supervisor.list();
      for (const r of records) known.set(r.name, r);
      return listWithDefinitions(records, home);
    },

    inspectVm: ({ name }) => infoOf(name),

    async getTask({ name }) {
      return (await readTaskJson(await taskFileOf(name))) as TaskFile;
    },

    async validateTask({ task: input, name }): Promise<ValidationResult> {
      const task = expandHomeInTask(input, homedir());
      let driverConfig;
      try {
        driverConfig = currentSettings().driver;
      } catch (err) {
        return { ok: false, error: toErrorData(err) };
      }
      return validateTaskForForm(task, { taskDir: await taskDirOf(name), home, driverConfig, env });
    },

    async saveTask({ task: input, previousName }) {
      const task = expandHomeInTask(input, homedir());
      const parsed = parseTask(task);
      if (!parsed.ok) throw new VmdeskError('INVALID_TASK', parsed.message, parsed.field);
      const name = parsed.task.name;
      const renaming = previousName !== undefined && previousName !== name;
      if (renaming) {
        if (await exists(name)) throw new VmdeskError('VM_EXISTS', `a VM named "${name}" already exists; choose another name`, 'name');
        const old = await supervised(previousName);
        if (old && isLive(old.state)) {
          throw new VmdeskError('VM_RUNNING', `"${previousName}" is running; stop it before renaming it`, 'name');
        }
      } else if (previousName === undefined && (await exists(name))) {
        throw new VmdeskError('VM_EXISTS', `a VM named "${name}" already exists; choose another name or edit that VM`, 'name');
      }
      if (renaming) await moveOwnDirTask(home, previousName, name);
      const taskFile = await writeTaskJson(home, name, task, { ownDir: parsed.task.artifacts.length > 0 });
      if (renaming) {
        await removeTaskFile(home, previousName);
        emit('vmRemoved', { name: previousName });
      }
      await emitDefinition(name);
      return { name, taskFile };
    },

    async startVm({ name }) {
      const taskFile = await taskFileOf(name);
      await fetchBeforeStart(name, taskFile);
      const info = await supervisor.start({ taskFile });
      known.set(name, info);
      return info;
    },

    async stopVm({ name, force }) {
      const result = await supervisor.stop(name, force ? { force: true } : {});
      known.set(name, result.info);
      return result.info;
    },

    async restartVm({ name }) {
      const taskFile = await taskFileOf(name);
      const info = await supervised(name);
      if (info && isLive(info.state)) await supervisor.stop(name);
      await fetchBeforeStart(name, taskFile);
      return supervisor.start({ taskFile });
    },

    pauseVm: ({ name }) => control(name, 'pause'),
    resumeVm: ({ name }) => control(name, 'resume'),
    rebootVm: ({ name }) => control(name, 'reboot'),

    async duplicateVm({ name, newName, image }) {
      if (await exists(newName)) throw new VmdeskError('VM_EXISTS', `a VM named "${newName}" already exists; choose another name`, 'newName');
      const sourceFile = await taskFileOf(name);
      const source = await readTaskJson(sourceFile);
      if (!source || typeof source !== 'object' || Array.isArray(source)) {
        throw new VmdeskError('INVALID_TASK', `the task file of "${name}" does not hold a task object`);
      }
      await writeDuplicate({ home, source: source as Record<string, unknown>, sourceFile, newName, image: image ?? 'shared', driverConfig: currentSettings().driver });
      await emitDefinition(newName);
      return { name: newName };
    },

    async deleteVm({ name, removeLogs }) {
      const info = await supervised(name);
      const defined = await taskExists(home, name);
      if (!info && !defined) throw new VmdeskError('VM_NOT_FOUND', `no VM named "${name}"`);
      if (info && isLive(info.state)) {
        throw new VmdeskError('VM_RUNNING', `"${name}" is ${info.state}; stop it before deleting it`);
      }
      consoleSubs.get(name)?.();
      consoleSubs.delete(name);
      if (info) await supervisor.destroy(name, { removeLogs });
      await removeTaskFile(home, name);
      known.delete(name);
      emit('vmRemoved', { name });
    },

    async vmEvents({ name }) {
      return (await supervised(name)) ? supervisor.events(name) : [];
    },

    async vmStats({ name }) {
      return (await supervised(name)) ? supervisor.stats(name) : [];
    },

    async consoleSubscribe({ name, fromOffset }) {
      await infoOf(name);
      consoleSubs.get(name)?.();
      const logSize = await fileSize(vmLogFile(home, name, 'console'));
      const start = fromOffset ?? Math.max(0, logSize - CONSOLE_BACKLOG_BYTES);
      let offset = start;
      const unsubscribe = supervisor.subscribeConsole(
        name,
        (chunk) => {
          offset += chunk.length;
          for (const s of sinks) s.console(name, chunk, offset);
        },
        { fromOffset: start },
      );
      consoleSubs.set(name, unsubscribe);
      return { offset: start };
    },

    async consoleUnsubscribe({ name }) {
      consoleSubs.get(name)?.();
      consoleSubs.delete(name);
    },

    async consoleWrite({ name, data }) {
      await supervisor.writeConsole(name, data);
    },

    async readLog({ name, stream, offset, limit }): Promise<LogPage> {
      await infoOf(name);
      // The engine's reader: archives, then the live part, never the hole a rotation punched.
      const page = readLogRange(vmLogFile(home, name, stream), offset ?? 0, limit ?? LOG_PAGE_DEFAULT_BYTES);
      return { text: new TextDecoder('utf-8').decode(page.bytes), offset: page.offset, nextOffset: page.nextOffset, size: page.size, ...(page.dropped ? { dropped: page.dropped } : {}) };
    },

    agentInterfaces: ({ name }) => supervisor.agent.interfaces(name),

    async inspectImage({ path: input, name }) {
      const taskDir = await taskDirOf(name);
      const path = resolveImageInput(input, taskDir, homedir());
      // The renderer may only look at images a task could use (the task directory or image_paths), so it
      // cannot probe arbitrary files on the host.
      if (!(await isAllowedImage(path))) {
        throw new VmdeskError(
          'IMAGE_NOT_ALLOWED',
          `${path} is outside the folders VMs may use (the VM's own folder and the image folders in Settings)`,
          'config.image_path',
        );
      }
      return inspectImageForForm(path, { taskDir, driverConfig: currentSettings().driver });
    },

    async pickImage() {
      const picked = await deps.showOpenImageDialog();
      if (picked === null) return null;
      // Outside the allowed folders: ask (natively, so the renderer cannot answer for the user) before adding
      // its folder to image_paths, the same question as "Allow this folder…" for a typed path.
      if (!(await isAllowedImage(picked))) await allowFolderOf(picked);
      return picked;
    },

    async allowImageFolder({ path: input, name }) {
      const path = resolveImageInput(input, await taskDirOf(name), homedir());
      const real = await realpath(path).catch(() => undefined);
      if (!real) throw new VmdeskError('IMAGE_NOT_FOUND', `${path} does not exist`, 'config.image_path');
      if (await isAllowedImage(real)) return { allowed: true, folder: dirname(real) };
      return { allowed: await allowFolderOf(real), folder: dirname(real) };
    },

    async getSettings() {
      return currentSettings();
    },

    async setSettings({ settings }) {
      const parsed = parseSettings(settings);
      if (!parsed.ok) {
        const code = parsed.field.startsWith('driver') ? 'INVALID_DRIVER_CONFIG' : 'BAD_REQUEST';
        throw new VmdeskError(code, parsed.message, parsed.field);
      }
      deps.settings.set(parsed.settings);
      return currentSettings();
    },

    doctor: async () => ({ ...(await runDoctor(env)), cache: await callDeferred('cacheInfo', undefined) }),

    async openForwardedPort({ name, label }) {
      const info = await infoOf(name);
      if (info.state !== 'running') throw new VmdeskError('VM_NOT_RUNNING', `"${name}" is not running; start it first`);
      const port = info.ports.find((p) => p.label === label);
      if (!port) throw new VmdeskError('PORT_INVALID', `"${name}" has no forwarded port labelled "${label}"`);
      const url = forwardedPortUrl(port);
      if (!url || !isForwardedPortUrl(url, [info])) {
        throw new VmdeskError('PORT_INVALID', `port "${label}" of "${name}" has no TCP host port to open yet`);
      }
      await deps.openExternal(url);
    },

    async buildDemoImage() {
      // The demo VM gets its own task directory (tasks/<name>/): its disk sits next to its task file.
      let name = 'demo';
      for (let i = 2; await exists(name); i++) name = `demo-${i}`;
      const { createDemoVm } = await import('../demo/demo-vm');
      await createDemoVm(home, name, (step, done, total) => emit('demoProgress', { step, done, total }));
      await emitDefinition(name);
      return { name };
    },
  };

  /** Calls a deferred channel's handler, loading deferred-services.ts first if need be. */
  async function callDeferred<K extends InvokeName>(name: K, request: Parameters<Handlers[K]>[0]): Promise<Awaited<ReturnType<Handlers[K]>>> {
    const handler = (await deferred.get()).handlers[name] as ((r: typeof request) => ReturnType<Handlers[K]>) | undefined;
    if (!handler) throw new VmdeskError('INTERNAL', `no handler for IPC channel "${name}": add it to services.ts or deferred-services.ts`);
    return (await handler(request)) as Awaited<ReturnType<Handlers[K]>>;
  }

  // The handler table covers the whole contract: each channel not handled above is a thin wrapper over callDeferred.
  const handlers = Object.fromEntries(
    (Object.keys(invokeContract) as InvokeName[]).map((name) => [name, eager[name] ?? ((request: never) => callDeferred(name, request))]),
  ) as Handlers;

  return {
    handlers,
    subscribe(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    async activeVms() {
      const vms = await supervisor.list();
      for (const v of vms) known.set(v.name, v);
      return vms.filter((v) => isLive(v.state));
    },
    knownVms: () => [...known.values()],
    async stopAll() {
      const active = (await supervisor.list()).filter((v) => isLive(v.state));
      await Promise.allSettled(active.map((v) => supervisor.stop(v.name)));
    },
    settings() {
      try {
        return currentSettings();
      } catch {
        return undefined;
      }
    },
    close() {
      deferred.peek()?.close();
      for (const off of consoleSubs.values()) off();
      consoleSubs.clear();
      for (const off of offs) off();
      sinks.clear();
    },
  };
}
