// Quitting with VMs running: ask (stop them gracefully / leave them running / cancel, with "remember"), or do
// what the preference says. Closing the window is quitting (one window), so it goes through the same flow.
import { app, dialog, type BrowserWindow } from 'electron';
import type { AppServices } from '../app/services';
import type { SettingsStore } from '../app/settings-store';
import { decideQuit, quitDialogAnswer, QUIT_DIALOG_BUTTONS, type QuitDecision } from '../app/quit';

/** Installs the quit flow; `shutdown` detaches from VMs and closes the supervisor before the app exits. */
export function setupQuitFlow(opts: {
  services: AppServices;
  settings: SettingsStore;
  window: () => BrowserWindow | undefined;
  shutdown: () => Promise<void>;
  log?: (line: string) => void;
}): void {
  let allowed = false;
  let busy = false;

  async function decide(): Promise<QuitDecision> {
    const running = await opts.services.activeVms();
    const settings = opts.services.settings();
    const first = decideQuit(running.length, settings?.preferences.quitBehaviour ?? 'ask');
    if (first !== 'ask') return first;
    const names = running.map((v) => v.name).join(', ');
    const options = {
      type: 'question' as const,
      buttons: [...QUIT_DIALOG_BUTTONS],
      defaultId: 0,
      cancelId: 2,
      title: 'Quit vmdesk',
      message: running.length === 1 ? `The VM ${names} is still running.` : `${running.length} VMs are still running: ${names}.`,
      detail:
        'Stop them gracefully (ACPI power button first, harder steps after their kill timeout), or leave them running: vmdesk re-attaches them the next time it starts.',
      checkboxLabel: 'Remember my answer (change it in Settings)',
      checkboxChecked: false,
    };
    const win = opts.window();
    const r = win && !win.isDestroyed() ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
    const answer = quitDialogAnswer(r.response, r.checkboxChecked);
    if (answer.remember && settings) {
      opts.settings.set({ ...settings, preferences: { ...settings.preferences, quitBehaviour: answer.remember } });
    }
    return answer.decision;
  }

  app.on('before-quit', (event) => {
    if (allowed) return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    void (async () => {
      let decision: QuitDecision;
      try {
        decision = await decide();
      } catch (err) {
        opts.log?.(`quit: ${(err as Error).message}; quitting and leaving VMs running`);
        decision = 'quit';
      }
      if (decision === 'cancel') return;
      if (decision === 'stop-then-quit') await opts.services.stopAll();
      await opts.shutdown().catch((err: Error) => opts.log?.(`quit: shutdown failed: ${err.message}`));
      allowed = true;
      app.quit();
    })().finally(() => {
      busy = false;
    });
  });

  // Closing the only window is quitting: keep it open until the flow decided.
  const win = opts.window();
  win?.on('close', (event) => {
    if (allowed) return;
    event.preventDefault();
    app.quit();
  });
  app.on('window-all-closed', () => app.quit());
}
