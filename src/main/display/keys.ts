// Key names for `vmdesk send-keys` / `vmdesk type`: QEMU's QKeyCode names (qapi/ui.json), combined with "-"
// as in HMP's sendkey (`ctrl-alt-delete`), and US-layout text turned into key presses. Pure.
import { VmdeskError } from '../../shared/errors';

/** Every QKeyCode QEMU 7.2 knows (qapi/ui.json, enum QKeyCode), in its order. */
export const QKEYCODES: readonly string[] = [
  'unmapped', 'shift', 'shift_r', 'alt', 'alt_r', 'ctrl', 'ctrl_r', 'menu', 'esc',
  '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'minus', 'equal', 'backspace', 'tab',
  'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', 'bracket_left', 'bracket_right', 'ret',
  'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'semicolon', 'apostrophe', 'grave_accent', 'backslash',
  'z', 'x', 'c', 'v', 'b', 'n', 'm', 'comma', 'dot', 'slash', 'asterisk', 'spc', 'caps_lock',
  'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10', 'num_lock', 'scroll_lock',
  'kp_divide', 'kp_multiply', 'kp_subtract', 'kp_add', 'kp_enter', 'kp_decimal', 'sysrq',
  'kp_0', 'kp_1', 'kp_2', 'kp_3', 'kp_4', 'kp_5', 'kp_6', 'kp_7', 'kp_8', 'kp_9', 'less', 'f11', 'f12',
  'print', 'home', 'pgup', 'pgdn', 'end', 'left', 'up', 'down', 'right', 'insert', 'delete',
  'stop', 'again', 'props', 'undo', 'front', 'copy', 'open', 'paste', 'find', 'cut', 'lf', 'help',
  'meta_l', 'meta_r', 'compose', 'pause', 'ro', 'hiragana', 'henkan', 'yen', 'muhenkan', 'katakanahiragana',
  'kp_comma', 'kp_equals', 'power', 'sleep', 'wake', 'audionext', 'audioprev', 'audiostop', 'audioplay',
  'audiomute', 'volumeup', 'volumedown', 'mediaselect', 'mail', 'calculator', 'computer', 'ac_home',
  'ac_back', 'ac_forward', 'ac_refresh', 'ac_bookmarks', 'lang1', 'lang2',
  'f13', 'f14', 'f15', 'f16', 'f17', 'f18', 'f19', 'f20', 'f21', 'f22', 'f23', 'f24',
];

const KNOWN = new Set(QKEYCODES);

/** Friendlier spellings people type (Packer's boot_command, xdotool) for QEMU's names. */
const ALIASES: Record<string, string> = {
  enter: 'ret', return: 'ret', space: 'spc', del: 'delete', escape: 'esc', control: 'ctrl', super: 'meta_l',
  win: 'meta_l', pageup: 'pgup', pagedown: 'pgdn', ins: 'insert', bksp: 'backspace',
};

/** One chord: the keys held down together, in order (modifiers first). */
export type KeyCombo = string[];

/** "ctrl-alt-delete" -> ["ctrl", "alt", "delete"]; an unknown name is an error that says what is known. */
export function parseKeyCombo(spec: string): KeyCombo {
  const parts = spec.trim().toLowerCase().split('-');
  if (spec.trim() === '' || parts.some((p) => p === '')) {
    throw new VmdeskError('BAD_REQUEST', `"${spec}" is not a key: use QEMU key names joined by "-", such as ret, esc, ctrl-alt-delete, shift-tab`);
  }
  if (parts.length > 8) throw new VmdeskError('BAD_REQUEST', `"${spec}": at most 8 keys can be held together`);
  return parts.map((p) => {
    const key = ALIASES[p] ?? p;
    if (!KNOWN.has(key)) {
      throw new VmdeskError('BAD_REQUEST', `unknown key "${p}" in "${spec}": use QEMU's key names (a-z, 0-9, ret, spc, tab, esc, backspace, delete, up, down, left, right, f1-f12, ctrl, alt, shift, meta_l, ...)`);
    }
    return key;
  });
}

/** US layout: the key for each printable character, and whether it needs shift. */
const UNSHIFTED: Record<string, string> = {
  ' ': 'spc', '\n': 'ret', '\t': 'tab', '-': 'minus', '=': 'equal', '[': 'bracket_left', ']': 'bracket_right',
  ';': 'semicolon', "'": 'apostrophe', '`': 'grave_accent', '\\': 'backslash', ',': 'comma', '.': 'dot', '/': 'slash',
};
const SHIFTED: Record<string, string> = {
  '!': '1', '@': '2', '#': '3', $: '4', '%': '5', '^': '6', '&': '7', '*': '8', '(': '9', ')': '0',
  _: 'minus', '+': 'equal', '{': 'bracket_left', '}': 'bracket_right', ':': 'semicolon', '"': 'apostrophe',
  '~': 'grave_accent', '|': 'backslash', '<': 'comma', '>': 'dot', '?': 'slash',
};

/** The most characters `vmdesk type` sends in one go. */
export const TYPE_TEXT_MAX = 4096;

/** Text -> one chord per character (US layout); a character with no key is an error naming it and where. */
export function textToKeyCombos(text: string): KeyCombo[] {
  if (text.length > TYPE_TEXT_MAX) throw new VmdeskError('BAD_REQUEST', `text is ${text.length} characters; type at most ${TYPE_TEXT_MAX} at a time`);
  const out: KeyCombo[] = [];
  [...text].forEach((ch, i) => {
    if (/^[a-z0-9]$/.test(ch)) out.push([ch]);
    else if (/^[A-Z]$/.test(ch)) out.push(['shift', ch.toLowerCase()]);
    else if (UNSHIFTED[ch]) out.push([UNSHIFTED[ch]]);
    else if (SHIFTED[ch]) out.push(['shift', SHIFTED[ch]]);
    else {
      throw new VmdeskError('BAD_REQUEST', `character ${JSON.stringify(ch)} at position ${i + 1} has no key on a US keyboard; type ASCII text, or send its keys with vmdesk send-keys`);
    }
  });
  return out;
}

/** The QMP `send-key` arguments for one chord. */
export function sendKeyArgs(combo: KeyCombo, holdMs: number): Record<string, unknown> {
  return { keys: combo.map((k) => ({ type: 'qcode', data: k })), 'hold-time': holdMs };
}
