// The app's IPC handlers for a VM's screen, keyboard and snapshots: the Display tab (VNC through the bridge),
// the Screenshot button, key-combination buttons, and the Snapshots section. Spread into services.ts.
import { existsSync } from 'node:fs';
import { VmdeskError } from '../../shared/errors';
import type { Handlers } from '../ipc/dispatch';
import { vmPaths } from '../store/paths';
import type { SupervisorApi } from '../supervisor/api';
import { sendKeys } from '../display/input';
import { defaultScreenshotName, screenshotVm } from '../display/screenshot';
import { createVncBridge, type VncBridge } from '../display/vnc-bridge';
import { vncSocketOf } from '../display/display-args';
import { deleteSnapshot, listSnapshots, restoreSnapshot, saveSnapshot } from '../snapshots/snapshots';

type DisplayHandlers = Pick<Handlers, 'displayOpen' | 'takeScreenshot' | 'sendKeys' | 'listSnapshots' | 'saveSnapshot' | 'restoreSnapshot' | 'deleteSnapshot'>;

/** The display and snapshot handlers, and the bridge to close with the app. */
export function createDisplayHandlers(deps: {
  home: string;
  env: NodeJS.ProcessEnv;
  supervisor: SupervisorApi;
  showSaveDialog(defaultName: string, title?: string): Promise<string | null>;
  bridge?: VncBridge;
}): { handlers: DisplayHandlers; close(): Promise<void> } {
  const { home, env, supervisor } = deps;
  const bridge = deps.bridge ?? createVncBridge();
  const ctx = { sup: supervisor, home };

  const running = async (name: string) => {
    const info = await supervisor.inspect(name);
    if (info.state !== 'running' && info.state !== 'paused') throw new VmdeskError('VM_NOT_RUNNING', `"${name}" is not running; start it to see its screen`);
    return info;
  };

  return {
    handlers: {
      async displayOpen({ name }) {
        const info = await running(name);
        const socket = vncSocketOf(vmPaths(home, name, { disposable: false, guestAgent: false }, env));
        if (!info.argv?.includes(`unix:${socket.replaceAll(',', ',,')}`) || !existsSync(socket)) {
          throw new VmdeskError('BAD_REQUEST', `"${name}" has no VNC display: set Display to VNC in its settings ("display": "vnc") and restart it`);
        }
        return bridge.open(name, socket);
      },
      async takeScreenshot({ name }) {
        await running(name);
        const path = await deps.showSaveDialog(defaultScreenshotName(name, new Date()), 'Save the screenshot');
        if (path === null) return { path: null };
        return { path: (await screenshotVm(supervisor, name, path)).path };
      },
      async sendKeys({ name, keys }) {
        await sendKeys(supervisor, name, keys);
      },
      listSnapshots: ({ name }) => listSnapshots(ctx, name),
      saveSnapshot: ({ name, tag }) => saveSnapshot(ctx, name, tag),
      restoreSnapshot: ({ name, tag }) => restoreSnapshot(ctx, name, tag),
      deleteSnapshot: ({ name, tag }) => deleteSnapshot(ctx, name, tag),
    },
    close: () => bridge.close(),
  };
}
