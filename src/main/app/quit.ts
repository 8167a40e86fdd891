// What quitting does when VMs are running: the preference, or the user's answer to the quit dialog.
import type { QuitBehaviour } from '../../shared/settings';

/** The decision: quit now, stop VMs gracefully then quit, ask, or stay open. */
export type QuitDecision = 'quit' | 'stop-then-quit' | 'ask' | 'cancel';

/** Decides before asking. Nothing running: quit. Otherwise the preference ('ask' asks). Pure. */
export function decideQuit(runningCount: number, preference: QuitBehaviour): QuitDecision {
  if (runningCount === 0) return 'quit';
  if (preference === 'stop') return 'stop-then-quit';
  if (preference === 'leave') return 'quit';
  return 'ask';
}

/** The quit dialog's buttons, in order (index = the dialog's response). */
export const QUIT_DIALOG_BUTTONS = ['Stop them gracefully', 'Leave them running', 'Cancel'] as const;

/**
 * Turns the dialog's answer into a decision and, when "remember" was ticked, the preference to store.
 * Cancel is never remembered. Pure.
 */
export function quitDialogAnswer(
  response: number,
  remember: boolean,
): { decision: QuitDecision; remember?: QuitBehaviour } {
  if (response === 0) return remember ? { decision: 'stop-then-quit', remember: 'stop' } : { decision: 'stop-then-quit' };
  if (response === 1) return remember ? { decision: 'quit', remember: 'leave' } : { decision: 'quit' };
  return { decision: 'cancel' };
}
