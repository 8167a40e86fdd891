// Keys to a running VM's keyboard through QMP `send-key` (the guest sees a PS/2 or USB keyboard press).
// QEMU queues the presses with their hold times, in order; each call returns once the chord is queued.
import type { SupervisorApi } from '../supervisor/api';
import { makeEvent } from '../supervisor/vm-session';
import { parseKeyCombo, sendKeyArgs, textToKeyCombos, type KeyCombo } from './keys';

/** How long each chord is held by default (QEMU's own default is 100 ms; 30 ms types faster and guests keep up). */
export const DEFAULT_HOLD_MS = 30;

async function sendCombos(sup: SupervisorApi, name: string, combos: KeyCombo[], holdMs: number): Promise<void> {
  for (const combo of combos) await sup.qmp(name, 'send-key', sendKeyArgs(combo, holdMs), { timeoutMs: 5_000 });
}

/** Sends each key spec ("ctrl-alt-delete", "ret", ...) as one chord, in order. */
export async function sendKeys(sup: SupervisorApi, name: string, specs: string[], opts: { holdMs?: number } = {}): Promise<number> {
  const combos = specs.map(parseKeyCombo); // all checked before any is sent
  await sendCombos(sup, name, combos, opts.holdMs ?? DEFAULT_HOLD_MS);
  sup.recordVmEvent(name, makeEvent('lifecycle', 'keys-sent', `sent keys: ${specs.join(' ')}`, { keys: specs }));
  return combos.length;
}

/** Types `text` on the VM's keyboard (US layout), one press per character. */
export async function typeText(sup: SupervisorApi, name: string, text: string, opts: { holdMs?: number } = {}): Promise<number> {
  const combos = textToKeyCombos(text);
  await sendCombos(sup, name, combos, opts.holdMs ?? DEFAULT_HOLD_MS);
  sup.recordVmEvent(name, makeEvent('lifecycle', 'text-typed', `typed ${combos.length} characters`, { characters: combos.length }));
  return combos.length;
}
