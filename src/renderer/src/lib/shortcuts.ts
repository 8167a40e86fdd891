// The keyboard shortcuts: one table, used both by the key handler and by the help dialog.

/** What a shortcut does. */
export type ShortcutAction =
  | 'new-vm'
  | 'settings'
  | 'health'
  | 'help'
  | 'start-stop'
  | 'tab-1'
  | 'tab-2'
  | 'tab-3'
  | 'tab-4'
  | 'tab-5'
  | 'tab-6'
  | 'tab-7'
  | 'tab-8'
  | 'next-vm'
  | 'prev-vm'
  | 'find'
  | 'release-console';

/** One documented shortcut. */
export interface Shortcut {
  action: ShortcutAction;
  keys: string;
  description: string;
  ctrl: boolean;
  shift: boolean;
  key: string;
}

/** Every shortcut, in the order the help dialog lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'new-vm', keys: 'Ctrl+N', description: 'New VM', ctrl: true, shift: false, key: 'n' },
  { action: 'settings', keys: 'Ctrl+,', description: 'Settings', ctrl: true, shift: false, key: ',' },
  { action: 'health', keys: 'Ctrl+Shift+H', description: 'Health (doctor)', ctrl: true, shift: true, key: 'h' },
  { action: 'start-stop', keys: 'Ctrl+Shift+S', description: 'Start or stop the selected VM', ctrl: true, shift: true, key: 's' },
  { action: 'next-vm', keys: 'Ctrl+Shift+↓', description: 'Next VM', ctrl: true, shift: true, key: 'arrowdown' },
  { action: 'prev-vm', keys: 'Ctrl+Shift+↑', description: 'Previous VM', ctrl: true, shift: true, key: 'arrowup' },
  { action: 'tab-1', keys: 'Ctrl+1', description: 'Overview tab', ctrl: true, shift: false, key: '1' },
  { action: 'tab-2', keys: 'Ctrl+2', description: 'Console tab', ctrl: true, shift: false, key: '2' },
  { action: 'tab-3', keys: 'Ctrl+3', description: 'Logs tab', ctrl: true, shift: false, key: '3' },
  { action: 'tab-4', keys: 'Ctrl+4', description: 'Stats tab', ctrl: true, shift: false, key: '4' },
  { action: 'tab-5', keys: 'Ctrl+5', description: 'Events tab', ctrl: true, shift: false, key: '5' },
  { action: 'tab-6', keys: 'Ctrl+6', description: 'Display tab', ctrl: true, shift: false, key: '6' },
  { action: 'tab-7', keys: 'Ctrl+7', description: 'Snapshots tab', ctrl: true, shift: false, key: '7' },
  { action: 'tab-8', keys: 'Ctrl+8', description: 'Checks tab', ctrl: true, shift: false, key: '8' },
  { action: 'find', keys: 'Ctrl+F', description: 'Search the logs', ctrl: true, shift: false, key: 'f' },
  { action: 'help', keys: 'F1', description: 'Show these shortcuts', ctrl: false, shift: false, key: 'f1' },
  { action: 'release-console', keys: 'Ctrl+]', description: 'Leave the console: keys go back to the app (as in virsh console)', ctrl: true, shift: false, key: ']' },
];

/** Shortcuts that do nothing while the console has focus (a stray press there must not stop or start the VM). */
export const NOT_IN_CONSOLE: ReadonlySet<ShortcutAction> = new Set(['start-stop']);

/**
 * Who gets a key pressed in the console: the app keeps its shortcuts that cannot mean anything to a guest
 * (Ctrl+Shift+…, Ctrl+1…8, F1) and Ctrl+] to leave; every other key (Tab, Esc, Ctrl+C…) goes to the guest.
 */
export function consoleKeyOwner(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }): 'app' | 'guest' {
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && e.shiftKey && !e.altKey) return 'app';
  const action = matchShortcut(e);
  return action === 'help' || action === 'release-console' || action?.startsWith('tab-') ? 'app' : 'guest';
}

/** The action for a key press (Ctrl or ⌘ both count as Ctrl), if it is a shortcut. */
export function matchShortcut(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }): ShortcutAction | undefined {
  if (e.altKey) return undefined;
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  return SHORTCUTS.find((s) => s.ctrl === ctrl && s.shift === e.shiftKey && s.key === key)?.action;
}
