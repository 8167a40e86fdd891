// Property tests: whatever characters a path holds (",", "=", newlines, quotes, braces), the option strings
// the planner builds parse back, with QEMU's QemuOpts rules, to exactly vmdesk's keys and the original value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/main/driver/plan';
import { netdevJson } from '../../src/main/driver/network-args';
import { ctx, task } from '../helpers/driver-fixtures';
import { vmPaths } from '../../src/main/store/paths';

/** QemuOpts parsing as QEMU does it (util/qemu-option.c get_opt_value): "," ends a value, ",," is a comma. */
function parseQemuOpts(s: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    const key = s.slice(i, eq);
    let value = '';
    let j = eq + 1;
    for (; j < s.length; j++) {
      if (s[j] === ',') {
        if (s[j + 1] === ',') {
          value += ',';
          j++;
        } else break;
      } else value += s[j];
    }
    out.push([key, value]);
    i = j + 1;
  }
  return out;
}

const pathChars = fc.string({ unit: fc.constantFrom('a', '/', ',', '=', '\n', ' ', '"', '{', '}', ':', '\\', 'é', '.'), minLength: 1, maxLength: 40 });

describe('no task or path value can add a QEMU option', () => {
  it('the drive option keeps exactly its keys for any image path', () => {
    fc.assert(
      fc.property(pathChars, (p) => {
        const imagePath = `/${p}`;
        const t = task();
        const argv = buildPlan(t, ctx(t, { image: { path: imagePath, format: 'qcow2' } })).argv;
        const opts = parseQemuOpts(argv[argv.indexOf('-drive') + 1]!);
        expect(opts).toEqual([['file.driver', 'file'], ['file.filename', imagePath], ['format', 'qcow2'], ['id', 'vmdesk-disk0'], ['if', 'ide']]);
      }),
      { numRuns: 300 },
    );
  });

  it('the console and QMP chardevs keep exactly their keys for any home and runtime dir', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ',', '=', '\n', ' '), maxLength: 20 }), (p) => {
        const t = task();
        const paths = vmPaths(`/h${p}`, t.name, { disposable: false, guestAgent: true }, { VMDESK_RUNTIME_DIR: `/r${p}` });
        const argv = buildPlan({ ...t, config: { ...t.config, guest_agent: true } }, ctx(t, { paths })).argv;
        // The first token of -chardev is the backend ("socket", QemuOpts' implied first key); the rest are pairs.
        const chardevs = argv.flatMap((a, i) => (a === '-chardev' ? [parseQemuOpts(argv[i + 1]!.replace(/^socket,/, 'backend=socket,'))] : []));
        expect(chardevs.map((c) => c.map(([k]) => k))).toEqual([
          ['backend', 'id', 'path', 'server', 'wait', 'logfile', 'logappend'],
          ['backend', 'id', 'path', 'server', 'wait'],
          ['backend', 'id', 'path', 'server', 'wait'],
          ['backend', 'id', 'path', 'server', 'wait'],
        ]);
        expect(Object.fromEntries(chardevs[0]!.slice(1))).toMatchObject({ path: paths.consoleSocket, logfile: paths.consoleLog });
        expect(Object.fromEntries(chardevs[1]!.slice(1))).toMatchObject({ path: paths.qmpSocket });
        expect(Object.fromEntries(chardevs[2]!.slice(1))).toMatchObject({ path: paths.qmpSocket2 });
        expect(Object.fromEntries(chardevs[3]!.slice(1))).toMatchObject({ path: paths.agentSocket });
      }),
      { numRuns: 200 },
    );
  });

  it('the netdev JSON holds exactly the forwards and search domains', () => {
    fc.assert(
      fc.property(fc.array(fc.domain(), { maxLength: 6 }), fc.integer({ min: 0, max: 65535 }), (searches, host) => {
        const parsed = JSON.parse(netdevJson([{ label: 'a', host, guest: 22, bind: '127.0.0.1', protocols: ['tcp', 'udp'] }], searches));
        expect(Object.keys(parsed)).toEqual(['type', 'id', 'hostfwd', ...(searches.length ? ['dnssearch'] : [])]);
        expect(parsed.hostfwd).toEqual([{ str: `tcp:127.0.0.1:${host}-:22` }, { str: `udp:127.0.0.1:${host}-:22` }]);
      }),
    );
  });
});
