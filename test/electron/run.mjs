#!/usr/bin/env node
// `npm run test:electron`: the app in REAL Electron through Playwright's _electron, for machines that have the
// Electron binary (it cannot be downloaded in the build environment, so this is not part of `npm test`).
// Run `npm run build` first. Checks: the window opens with the sandboxed, isolated page; window.api is there and
// Node is not; the IPC round trip works; the webPreferences Electron really applied; the app quits cleanly.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
let passed = 0;
let failed = 0;

async function check(name, fn) {
  try {
    await fn();
    passed++;
    process.stdout.write(`  ✓ ${name}\n`);
  } catch (err) {
    failed++;
    process.stdout.write(`  ✗ ${name}\n    ${String(err?.stack ?? err).split('\n').join('\n    ')}\n`);
  }
}

let executablePath;
try {
  executablePath = require('electron');
} catch {
  executablePath = undefined;
}
if (typeof executablePath !== 'string' || !existsSync(executablePath)) {
  process.stderr.write('test:electron needs the Electron binary: run `node node_modules/electron/install.js` (or `npx electron --version`) on a machine with network access.\n0 passed, 1 failed\n');
  process.exit(1);
}
if (!existsSync(join(root, 'out/main/index.js'))) {
  process.stderr.write('test:electron: run `npm run build` first.\n0 passed, 1 failed\n');
  process.exit(1);
}

const home = mkdtempSync(join(tmpdir(), 'vd-electron-home-'));
const runtimeDir = mkdtempSync('/tmp/vd-');
const app = await electron.launch({
  executablePath,
  args: [root, ...(process.env.CI ? ['--no-sandbox'] : [])],
  env: { ...process.env, VMDESK_HOME: home, VMDESK_RUNTIME_DIR: runtimeDir },
});
try {
  const page = await app.firstWindow();
  await page.waitForFunction(() => 'api' in window);

  await check('the page has window.api and no Node', async () => {
    const facts = await page.evaluate(() => ({
      listVms: typeof window.api.listVms,
      on: typeof window.api.on,
      require: typeof window.require,
      process: typeof window.process,
    }));
    assert.deepEqual(facts, { listVms: 'function', on: 'function', require: 'undefined', process: 'undefined' });
  });

  await check('an IPC round trip: getSettings and doctor', async () => {
    const s = await page.evaluate(() => window.api.getSettings());
    assert.equal(s.ok, true);
    assert.equal(s.value.driver.port_bind_address, '127.0.0.1');
    const d = await page.evaluate(() => window.api.doctor());
    assert.equal(d.ok, true);
  });

  await check('bad input is refused with BAD_REQUEST', async () => {
    const r = await page.evaluate(() => window.api.inspectVm({ name: 'Not A Name' }));
    assert.equal(r.ok, false);
    assert.equal(r.error.code, 'BAD_REQUEST');
  });

  await check('Electron applied the secure webPreferences', async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].webContents.getLastWebPreferences());
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.webSecurity, true);
  });

  await check('navigation away from the page is blocked', async () => {
    const before = page.url();
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(page.url(), before);
  });

  await check('a screenshot of the first screen', async () => {
    await page.screenshot({ path: join(root, 'test-results', 'electron-first-screen.png') });
  });
} finally {
  await app.close().catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
  rmSync(runtimeDir, { recursive: true, force: true });
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
