// App start: the BUILT main process (out/main/index.js) under Node with the FAKE electron module, from the
// process launch to every IPC channel having its handler; baseline: the same launch of an empty module
// that reports at once (Node's own start-up). A B A B after a warm-up.
import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nowMs } from '../lib/clock';
import { figure, type Figure } from '../lib/results';
import { alternation, runSchedule } from '../lib/schedule';
import type { Suite, SuiteContext, SuiteOutput } from '../suite';

interface LaunchReport {
  type: 'ready' | 'not-ready' | 'error';
  at: number;
  importStart?: number;
  imported?: number;
  windowLoadedAt?: number;
  handlers?: number;
  channels?: number;
  message?: string;
}

/**
 * An install directory for the built app as Node sees it without the Electron binary: main/, preload/ and
 * renderer/ link to out/ (so the bundle finds its siblings), node_modules/* link to the repository's
 * packages, and node_modules/electron is a one-file package re-exporting the FAKE electron module. Loaded
 * with --preserve-symlinks, every `import 'electron'` (the bundle's and electron-store's) resolves to it.
 */
function fakeInstall(ctx: SuiteContext, fakeUrl: string): string {
  const dir = ctx.tempDir('vmdesk-bench-install');
  for (const part of ['main', 'preload', 'renderer']) symlinkSync(join(ctx.root, 'out', part), join(dir, part), 'dir');
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(ctx.root, 'node_modules'))) {
    if (name !== 'electron' && !name.startsWith('.')) symlinkSync(join(ctx.root, 'node_modules', name), join(modules, name), 'dir');
  }
  const electron = join(modules, 'electron');
  mkdirSync(electron);
  writeFileSync(join(electron, 'package.json'), JSON.stringify({ name: 'electron', type: 'module', exports: './index.js' }) + '\n');
  writeFileSync(join(electron, 'index.js'), `// FAKE electron (bench): the Electron binary cannot run here.\nexport * from ${JSON.stringify(fakeUrl)};\nexport { default } from ${JSON.stringify(fakeUrl)};\n`);
  return dir;
}

/** Forks `script` with `args` and resolves to its first message, with the launch time. */
function launch(script: string, args: string[], execArgv: string[] = []): Promise<{ launchedAt: number; report: LaunchReport }> {
  return new Promise((resolve, reject) => {
    const launchedAt = nowMs();
    const child = fork(script, args, { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, ELECTRON_RENDERER_URL: '' } });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not report within 20 s`));
    }, 20_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve({ launchedAt, report: m as LaunchReport });
      child.kill('SIGKILL');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) without reporting: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const dir = ctx.tempDir('vmdesk-bench-app');
  const empty = join(dir, 'empty.mjs');
  writeFileSync(empty, "process.send({ type: 'ready', at: Number(process.hrtime.bigint()) / 1e6 });\n");
  const launcher = join(ctx.root, 'out', 'bench', 'launch-main.js');
  const fakeUrl = pathToFileURL(join(ctx.root, 'out', 'bench', 'fake-electron.js')).href;
  const args = [join(fakeInstall(ctx, fakeUrl), 'main', 'index.js'), fakeUrl];
  let last: LaunchReport | undefined;
  const rounds = ctx.quick ? 2 : 7;
  const samples = await runSchedule(alternation(['node', 'main'] as const, rounds, 1), async (variant) => {
    if (variant === 'node') {
      const { launchedAt, report } = await launch(empty, []);
      return { ready: report.at - launchedAt };
    }
    // Once the main process has been seen not to register its channels, do not wait 10 s each time.
    const { launchedAt, report } = await launch(launcher, [...args, last?.type === 'not-ready' ? '500' : '10000'], ['--preserve-symlinks']);
    last = report;
    if (report.type === 'error') throw new Error(`the built main process failed to load: ${report.message}`);
    return {
      ...(report.type === 'ready' ? { ready: report.at - launchedAt } : {}),
      ...(report.windowLoadedAt !== undefined ? { window: report.windowLoadedAt - launchedAt } : {}),
      imported: (report.imported ?? report.at) - launchedAt,
    };
  });
  const figures: Figure[] = [];
  const missingReasons: Record<string, string> = {};
  const group = 'App start';
  const base = { label: 'node starting an empty module', samples: samples.node.ready! };
  if (samples.main.ready) {
    figures.push(figure({ id: 'app.main-ready', group, title: 'built main process: launch to ready for IPC', unit: 'ms', note: `every one of the ${last?.channels} IPC channels has a handler (FAKE electron module: the Electron binary cannot run here; it is reached through a linked install directory, not a module hook)` }, samples.main.ready, base));
  } else {
    missingReasons['app.main-ready'] = `the built main process registered ${last?.handlers ?? 0} of ${last?.channels ?? '?'} IPC channels within 10 s of app ready (src/main/index.ts does not set up IPC yet)`;
  }
  figures.push(figure({ id: 'app.main-imported', group, title: 'built main process: launch to its module loaded', unit: 'ms' }, samples.main.imported!, base));
  if (samples.main.window) figures.push(figure({ id: 'app.main-window', group, title: 'built main process: launch to the window loading its page', unit: 'ms' }, samples.main.window, base));
  return { figures, missingReasons };
}

/** The app-start suite (main process part; the renderer's first paint is in the renderer suite). */
export const appStartSuite: Suite = {
  name: 'app',
  promises: [{ id: 'app.main-ready', group: 'App start', title: 'built main process: launch to ready for IPC' }],
  run,
};
