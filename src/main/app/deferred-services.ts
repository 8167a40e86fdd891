// The services the first window does not need: Nomad import/export (HCL parser, Nomad client), artifacts
// (archive readers), the display (VNC bridge, snapshots), the ssh terminal and checks. services.ts imports
// this module on the first call of one of their channels, so the main process is ready for IPC without them.
import type { Handlers } from '../ipc/dispatch';
import type { SupervisorApi } from '../supervisor/api';
import type { DriverConfig } from '../../shared/driver-config';
import type { VmInfo } from '../../shared/vm';
import type { AppEventSink } from './app-events';
import type { SettingsStore } from './settings-store';
import { createNomadHandlers } from './nomad-services';
import { createDisplayHandlers } from './display-services';
import { createArtifactHandlers } from './artifact-services';
import { createSshTerminal } from './ssh-terminal';
import { createChecksHandlers } from './checks-handlers';
import { createNomadSettings } from './nomad-settings';
import { noVault, type TokenVault } from './token-vault';

/** What the deferred services need from services.ts (the same closures the eager handlers use). */
export interface DeferredContext {
  home: string;
  env: NodeJS.ProcessEnv;
  supervisor: SupervisorApi;
  settings: SettingsStore;
  tokenVault?: TokenVault;
  driverConfig(): DriverConfig;
  exists(name: string): Promise<boolean>;
  taskFileOf(name: string): Promise<string>;
  infoOf(name: string): Promise<VmInfo>;
  announce(name: string): Promise<void>;
  emit: AppEventSink['emit'];
  showOpenJobDialog(): Promise<string | null>;
  showSaveDialog(defaultName: string, title?: string): Promise<string | null>;
}

/** The deferred parts, built together once their module is loaded. */
export interface DeferredServices {
  handlers: Partial<Handlers>;
  /** Fetches a VM's artifacts before it starts (startVm, restartVm and checks need it). */
  fetchBeforeStart(name: string, taskFile: string): Promise<void>;
  close(): void;
}

/** Builds the Nomad, artifacts, display, ssh terminal and checks handlers over `ctx`. */
export function createDeferredServices(ctx: DeferredContext): DeferredServices {
  const { home, env, supervisor, emit } = ctx;
  const nomad = createNomadHandlers({
    home,
    env,
    driverConfig: ctx.driverConfig,
    nomadSettings: createNomadSettings(ctx.settings, ctx.tokenVault ?? noVault),
    exists: ctx.exists,
    taskFileOf: ctx.taskFileOf,
    announce: ctx.announce,
    emit,
    showOpenJobDialog: ctx.showOpenJobDialog,
    showSaveDialog: ctx.showSaveDialog,
  });
  const artifacts = createArtifactHandlers({ home, driverConfig: ctx.driverConfig, emit });
  const display = createDisplayHandlers({ home, env, supervisor, showSaveDialog: ctx.showSaveDialog });
  const sshTerminal = createSshTerminal({ supervisor, inspect: ctx.infoOf, emit });
  const checks = createChecksHandlers({ home, supervisor, emit, taskFileOf: ctx.taskFileOf, fetchBeforeStart: artifacts.fetchBeforeStart, cleanUpOrphans: false });
  return {
    handlers: { ...nomad, ...display.handlers, ...artifacts.handlers, ...sshTerminal.handlers, ...checks.handlers },
    fetchBeforeStart: artifacts.fetchBeforeStart,
    close() {
      void display.close();
      checks.close();
      artifacts.close();
      sshTerminal.close();
    },
  };
}
