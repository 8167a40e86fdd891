// What each `vmdesk` command loads (issue #17: every command loads only what it uses). The built CLI runs as a
// real process with a module hook (node:module register: every ESM file it loads) and, at exit, the CommonJS
// cache (what createRequire loaded: the HCL parser, tar, ...). Each loaded bundle chunk is read for the source
// modules it holds (the bundler's `// src/...` and `// node_modules/...` region comments). `vmdesk ls` must not
// load the HCL parser, the Nomad code, zod or the task schema; `plan` and `import` show that the check sees them.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestDisk } from '../helpers/guest';

const bin = fileURLToPath(new URL('../../bin/vmdesk.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/nomad/${name}`, import.meta.url));
let dir: string;

const HOOKS = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(log, url + '\\n');
  return next(url, context);
}
`;
const REGISTER = `
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const log = process.env.VMDESK_LOAD_LOG;
register('./hooks.mjs', import.meta.url, { data: { log } });
process.on('exit', () => {
  for (const f of Object.keys(createRequire(import.meta.url).cache)) appendFileSync(log, pathToFileURL(f).href + '\\n');
});
`;

/** Runs `vmdesk ...args` and returns every module it loaded: files, plus the source modules inside loaded chunks. */
async function loadedBy(args: string[]): Promise<string[]> {
  const log = join(dir, `load-${args[0]}.log`);
  writeFileSync(log, '');
  await new Promise<void>((resolve) => {
    execFile(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, bin, ...args], { env: { ...process.env, VMDESK_HOME: join(dir, 'home'), VMDESK_LOAD_LOG: log } }, () => resolve());
  });
  const files = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))].map((u) => fileURLToPath(u));
  const modules = new Set(files);
  for (const f of files) {
    if (!f.includes('/out/cli/')) continue;
    for (const m of readFileSync(f, 'utf8').matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)) modules.add(m[1]!);
  }
  return [...modules];
}

const has = (modules: string[], part: string) => modules.some((m) => m.includes(part));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vmdesk-import-graph-'));
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(dir, 'register.mjs'), REGISTER);
  writeFileSync(join(dir, 'task.json'), JSON.stringify({ name: 'g', config: { image_path: guestDisk, accelerator: 'tcg' } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI loads only what a command uses', () => {
  it('vmdesk help loads the entry alone: no command chunk', async () => {
    const modules = await loadedBy(['help']);
    expect(has(modules, 'src/cli/commands/info.ts')).toBe(true); // the region comments are seen
    expect(modules.filter((m) => m.includes('/out/cli/chunks/'))).toEqual([]);
  });

  it('vmdesk ls: the supervisor, but not the HCL parser, the Nomad code, zod, yaml, the task schema, the driver or the artifacts code', async () => {
    const modules = await loadedBy(['ls']);
    expect(has(modules, 'src/main/supervisor/supervisor.ts')).toBe(true);
    expect(has(modules, 'src/cli/commands/ls.ts')).toBe(true);
    for (const heavy of ['@cdktf/hcl2json', 'src/main/nomad/', 'node_modules/zod', 'node_modules/yaml', 'src/shared/task.ts', 'src/main/driver/plan.ts', 'src/main/artifacts/', 'node_modules/execa', 'node_modules/tar']) {
      expect(has(modules, heavy), `vmdesk ls loaded ${heavy}`).toBe(false);
    }
    // Other commands' code stays unloaded too.
    for (const other of ['src/cli/commands/plan.ts', 'src/cli/commands/import.ts', 'src/cli/commands/test.ts']) expect(has(modules, other), other).toBe(false);
  });

  it('vmdesk inspect: neither zod nor the Nomad code', async () => {
    const modules = await loadedBy(['inspect', 'nosuch']);
    expect(has(modules, 'src/cli/commands/inspect.ts')).toBe(true);
    for (const heavy of ['@cdktf/hcl2json', 'src/main/nomad/', 'node_modules/zod', 'src/main/artifacts/']) expect(has(modules, heavy), heavy).toBe(false);
  });

  it('vmdesk start of a task without artifacts: no archive readers (tar, zip, xz, bzip2), no HCL parser', async () => {
    const modules = await loadedBy(['start', join(dir, 'no-such-task.json')]);
    expect(has(modules, 'src/cli/commands/start.ts')).toBe(true);
    for (const heavy of ['node_modules/tar', 'node_modules/yauzl', 'node_modules/xz-decompress', 'node_modules/unbzip2-stream', 'src/main/artifacts/fetch-', '@cdktf/hcl2json']) {
      expect(has(modules, heavy), heavy).toBe(false);
    }
  });

  it('the check sees what a command does load: plan loads the task schema and zod, not the supervisor; import of HCL loads the parser', async () => {
    const plan = await loadedBy(['plan', join(dir, 'task.json')]);
    expect(has(plan, 'src/shared/task.ts')).toBe(true);
    expect(has(plan, 'node_modules/zod')).toBe(true);
    expect(has(plan, 'src/main/supervisor/supervisor.ts')).toBe(false);
    expect(has(plan, '@cdktf/hcl2json')).toBe(false);
    const imported = await loadedBy(['import', fixture('two-vm-lab.hcl'), '--out', join(dir, 'out')]);
    expect(has(imported, '@cdktf/hcl2json')).toBe(true);
    expect(has(imported, 'src/main/nomad/')).toBe(true);
  });

  it("vmdesk ls, inspect and stop do not load node:crypto (Node's ~18 crypto modules; the supervisor's uuid comes from the Web Crypto global); plan does", async () => {
    const builtins = async (args: string[]): Promise<string[]> => {
      const out = join(dir, `builtins-${args[0]}.txt`);
      writeFileSync(join(dir, 'builtins.cjs'), `process.on('exit', () => require('node:fs').writeFileSync(process.env.VMDESK_BUILTINS_OUT, process.moduleLoadList.join('\\n')));\n`);
      await new Promise<void>((resolve) => {
        execFile(process.execPath, ['-r', join(dir, 'builtins.cjs'), bin, ...args], { env: { ...process.env, VMDESK_HOME: join(dir, 'home'), VMDESK_BUILTINS_OUT: out } }, () => resolve());
      });
      return readFileSync(out, 'utf8').split('\n');
    };
    for (const args of [['ls'], ['inspect', 'nosuch'], ['stop', 'nosuch']]) {
      const loaded = await builtins(args);
      expect(loaded, args[0]).toContain('NativeModule fs'); // the list is read
      expect(loaded.filter((m) => m === 'NativeModule crypto'), `vmdesk ${args[0]} loaded node:crypto`).toEqual([]);
    }
    // The check sees it where it is loaded: plan's fingerprint cache key hashes with node:crypto.
    expect(await builtins(['plan', join(dir, 'task.json')])).toContain('NativeModule crypto');
  });
});
