// Property test of the whole planner (fast-check): for ANY task the schema accepts — arbitrary strings with
// ",", "=", quotes, newlines and non-ASCII in every string field, arbitrary labels, ports, DNS search
// domains, args drawn from an allowlist with arbitrary values — the argv that buildPlan emits holds
// (1) in the driver's part only the driver's own options, each with the keys vmdesk writes and no other
// (QemuOpts parsed as QEMU does: "," ends a value, ",," is a literal comma; JSON options parsed as JSON), and
// (2) after it exactly the task's args, unchanged, every option of them in the allowlist.
// Builds on driver-escaping.property.test.ts (which varies the paths); here the task varies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/main/driver/plan';
import { normaliseOption } from '../../src/main/driver/qemu-options';
import { vmPaths } from '../../src/main/store/paths';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { VmdeskError } from '../../src/shared/errors';
import { parseTask } from '../../src/shared/task';
import { ctx } from '../helpers/driver-fixtures';

/** QemuOpts as QEMU parses them (util/qemu-option.c): items split on single commas, ",," is a comma. */
function qemuOptsKeys(s: string): string[] {
  const keys: string[] = [];
  let item = '';
  const flush = () => {
    const eq = item.indexOf('=');
    keys.push(eq < 0 ? `(implied)${item}` : item.slice(0, eq));
    item = '';
  };
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ',') {
      if (s[i + 1] === ',') {
        item += ',';
        i++;
      } else flush();
    } else item += s[i];
  }
  flush();
  return keys;
}

/** The driver's options: which take a value, and the keys each value may hold. */
const FLAGS = new Set(['-nographic', '-enable-kvm']);
const QEMU_OPTS_KEYS: Record<string, (keys: string[]) => boolean> = {
  '-name': (k) => k.join() === 'guest',
  '-machine': (k) => k.join() === 'type,accel',
  '-chardev': (k) => k[0] === '(implied)socket' && k.slice(1).every((x) => ['id', 'path', 'server', 'wait', 'logfile', 'logappend'].includes(x)),
  '-drive': (k) => k.join() === 'file.driver,file.filename,format,id,if',
  '-mon': (k) => k.join() === 'chardev,mode',
  '-serial': (k) => k.join() === '(implied)chardev:vmdesk-console',
  '-monitor': (k) => k.join() === '(implied)none',
  '-sandbox': (k) => k[0] === '(implied)on' && k.slice(1).every((x) => ['obsolete', 'elevateprivileges', 'spawn', 'resourcecontrol'].includes(x)),
};
const JSON_KEYS: Record<string, string[]> = {
  '-netdev': ['type', 'id', 'hostfwd', 'dnssearch'],
  '-device': ['driver', 'netdev', 'id', 'drive', 'bus', 'chardev', 'name'],
};

/** Checks the driver's part of the argv; returns a description of the first problem. */
function driverPartProblem(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const opt = argv[i]!;
    if (FLAGS.has(opt)) continue;
    const value = argv[++i];
    if (value === undefined) return `${opt} has no value`;
    if (opt === '-uuid' || opt === '-m' || opt === '-smp') {
      if (!/^[0-9a-fA-F-]+M?$/.test(value)) return `${opt} ${value}`;
      continue;
    }
    if (JSON_KEYS[opt] && value.startsWith('{')) {
      const parsed = JSON.parse(value) as Record<string, unknown>;
      const extra = Object.keys(parsed).filter((k) => !JSON_KEYS[opt]!.includes(k));
      if (extra.length) return `${opt} JSON has keys ${extra.join()}`;
      continue;
    }
    if (opt === '-device') {
      const keys = qemuOptsKeys(value);
      if (!(keys[0] === '(implied)virtio-serial' || keys[0] === '(implied)virtserialport') || !keys.slice(1).every((k) => ['chardev', 'name'].includes(k))) return `-device ${value}`;
      continue;
    }
    const check = QEMU_OPTS_KEYS[opt];
    if (!check) return `${opt} is not one of the driver's options`;
    if (!check(qemuOptsKeys(value))) return `${opt} ${JSON.stringify(value)} parses to keys ${qemuOptsKeys(value).join()}`;
  }
  return undefined;
}

const ALLOWLIST = ['-snapshot', '-nodefaults', '-cpu', '-smbios', '-boot', '-rtc', '-vga', '-global'];
const hostile = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ',', '=', ':', '\n', ' ', '"', '{', '}', '-', '.', '_', '/', 'é', '\u2028'), maxLength: 24 });
/** Mostly valid values, sometimes hostile ones (the schema or planner must then refuse them). */
const mostly = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: hostile as unknown as fc.Arbitrary<T>, weight: 1 });
const VALUE_OPTIONS = ['-cpu', '-smbios', '-boot', '-rtc', '-vga', '-global', '--cpu'];
const argsArb = fc
  .array(
    fc.oneof(
      fc.constantFrom(['-snapshot'], ['-nodefaults'], ['--snapshot']),
      fc.tuple(fc.constantFrom(...VALUE_OPTIONS), hostile.filter((v) => !v.trim().startsWith('-') && v.trim() !== '')),
      hostile.map((h) => [h]),
    ),
    { maxLength: 4 },
  )
  .map((groups) => groups.flat());
const label = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const taskInput = fc.record({
  name: mostly(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/)),
  config: fc.record({
    image_path: fc.constant('web.qcow2'),
    machine_type: mostly(fc.constantFrom('pc', 'q35', 'pc-i440fx-7.2')),
    accelerator: mostly(fc.constant('tcg')),
    drive_interface: mostly(fc.constantFrom('ide', 'virtio', 'scsi', 'none')),
    graceful_shutdown: fc.boolean(),
    guest_agent: fc.boolean(),
    args: argsArb,
    port_map: fc.dictionary(label, fc.integer({ min: 1, max: 65535 }), { maxKeys: 3 }),
  }),
  resources: fc.record({ memory: fc.integer({ min: 128, max: 4096 }), cores: fc.integer({ min: 1, max: 8 }) }),
  ports: fc.dictionary(label, fc.integer({ min: 0, max: 65535 }), { maxKeys: 3 }),
  dns: fc.record({ searches: fc.array(mostly(fc.domain()), { maxLength: 3 }) }),
  disposable: fc.boolean(),
});

describe('planner property: the argv holds only the driver options and the allowed args, comma syntax intact', () => {
  it('for any task the schema accepts', () => {
    let planned = 0;
    fc.assert(
      fc.property(taskInput, fc.uuid({ version: 4 }), (input, uuid) => {
        // Ports named by port_map must exist; give every port_map label a host port so more tasks plan.
        const ports = { ...Object.fromEntries(Object.keys(input.config.port_map).map((l) => [l, 0])), ...input.ports };
        const parsed = parseTask({ ...input, ports });
        if (!parsed.ok) return;
        const t = parsed.task;
        const paths = vmPaths('/h/vmdesk', t.name, { disposable: t.disposable, guestAgent: t.config.guest_agent }, { VMDESK_RUNTIME_DIR: '/run/vd' });
        let plan;
        try {
          plan = buildPlan(t, ctx(t, { paths, uuid, config: { ...DEFAULT_DRIVER_CONFIG, args_allowlist: ALLOWLIST } }));
        } catch (err) {
          if (err instanceof VmdeskError) return; // refused with a clear error: nothing to emit
          throw err;
        }
        planned++;
        const argv = plan.argv;
        const args = t.config.args;
        expect(argv.slice(argv.length - args.length)).toEqual(args);
        const own = argv.slice(0, argv.length - args.length);
        expect(driverPartProblem(own)).toBeUndefined();
        for (const a of args) if (a.trim().startsWith('-') && a.trim() !== '-') expect(ALLOWLIST).toContain(normaliseOption(a));
        expect(own[own.indexOf('-name') + 1]).toBe(`guest=${t.name}`);
      }),
      { numRuns: 600 },
    );
    // The generator must reach the interesting part, not only produce refused tasks.
    expect(planned).toBeGreaterThan(100);
  });
});
