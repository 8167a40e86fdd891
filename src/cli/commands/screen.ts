// `vmdesk screenshot NAME [--out FILE.png]`, `vmdesk send-keys NAME KEYS...`, `vmdesk type NAME TEXT`:
// the VM's screen and keyboard through QMP (src/main/display/).
import { parseCli, parseVmArgs, printJson, reporting, withSupervisor } from '../context';
import { UsageError, type Command } from '../command';
import { commandInfo } from './info';
import { defaultScreenshotName, screenshotVm } from '../../main/display/screenshot';
import { DEFAULT_HOLD_MS, sendKeys, typeText } from '../../main/display/input';

/** --hold-ms: how long each chord is held (1-5000 ms). */
function holdMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_HOLD_MS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5000) throw new UsageError('--hold-ms must be a whole number of milliseconds, 1 to 5000');
  return n;
}

/** The `screenshot` command. */
export const screenshotCommand: Command = {
  ...commandInfo('screenshot'),
  async run(args, io) {
    const { name, values, json } = parseVmArgs(args, { out: { type: 'string' } });
    const out = values.out ?? defaultScreenshotName(name, new Date());
    return reporting(io, 'screenshot', json, async () => {
      const r = await withSupervisor((sup) => screenshotVm(sup, name, out));
      if (json) printJson(io, { name, path: r.path, bytes: r.bytes, from: r.from, durationMs: Math.round(r.durationMs) });
      else io.out(`${r.path}\n`);
      return 0;
    });
  },
};

/** The `send-keys` command. */
export const sendKeysCommand: Command = {
  ...commandInfo('send-keys'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, { json: { type: 'boolean' }, 'hold-ms': { type: 'string' } });
    const [name, ...keys] = positionals;
    if (!name) throw new UsageError('give a VM name and the keys to press');
    if (keys.length === 0) throw new UsageError('give at least one key, such as ret or ctrl-alt-delete');
    const json = values.json === true;
    const hold = holdMs(values['hold-ms']);
    return reporting(io, 'send-keys', json, async () => {
      const n = await withSupervisor((sup) => sendKeys(sup, name, keys, { holdMs: hold }));
      if (json) printJson(io, { name, chords: n });
      return 0;
    });
  },
};

/** The `type` command. */
export const typeCommand: Command = {
  ...commandInfo('type'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, { json: { type: 'boolean' }, enter: { type: 'boolean' }, 'hold-ms': { type: 'string' } });
    if (positionals.length !== 2) throw new UsageError('give a VM name and one text argument (quote it)');
    const [name, text] = positionals as [string, string];
    const json = values.json === true;
    const hold = holdMs(values['hold-ms']);
    return reporting(io, 'type', json, async () => {
      const n = await withSupervisor((sup) => typeText(sup, name, values.enter ? `${text}\n` : text, { holdMs: hold }));
      if (json) printJson(io, { name, characters: n });
      return 0;
    });
  },
};
