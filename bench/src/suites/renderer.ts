// Renderer: the BUILT renderer (out/renderer) in Debian's Chromium over the FAKE window.api of the renderer
// tests (test/helpers/fake-api.js: the preload bridge is not the subject here; it serves generated log
// lines). (1) The Logs view with 1,000,000 lines, then 20,000 lines/s appended for 10 s: frame times
// (requestAnimationFrame intervals), lines dropped, JS heap; baseline: the same page idle. (2) Load to
// first contentful paint and to the first meaningful paint (the VM list drawn); baseline: a static page.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveDirectory } from '../../../test/helpers/renderer-server';
import { sleep } from '../lib/clock';
import { figure, type Figure } from '../lib/results';
import { alternation, runSchedule } from '../lib/schedule';
import type { Suite, SuiteContext, SuiteOutput } from '../suite';

const INITIAL_LINES = 1_000_000;
const APPEND_PER_S = 20_000;
const APPEND_S = 10;

const runningVm = {
  name: 'web',
  state: 'running',
  pid: 4242,
  startedAt: new Date().toISOString(),
  ports: [],
  agent: 'responding',
  disposable: false,
};
const task = { name: 'web', config: { image_path: '/images/web.img' } };

/** Records requestAnimationFrame intervals while window.__bench.recording is true. */
const FRAME_RECORDER = `
window.__bench = { frames: [], last: 0, recording: false, meaningfulAt: undefined };
(function tick(t) {
  const b = window.__bench;
  if (b.recording) { if (b.last) b.frames.push(t - b.last); b.last = t; } else b.last = 0;
  requestAnimationFrame(tick);
})(0);
new MutationObserver((_, obs) => {
  if (document.querySelector('[data-testid=vm-item]')) { window.__bench.meaningfulAt = performance.now(); obs.disconnect(); }
}).observe(document, { childList: true, subtree: true });
`;

async function openApp(browser: Browser, url: string, config: Record<string, unknown>): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript({ content: `window.__FAKE_API_CONFIG__ = ${JSON.stringify(config)};` });
  await page.addInitScript({ path: resolve('test/helpers/fake-api.js') });
  await page.addInitScript({ content: FRAME_RECORDER });
  await page.goto(url);
  return { page, errors };
}

const countOf = async (page: Page) => Number(((await page.getByTestId('log-count').textContent()) ?? '').replace(/[^0-9]/g, ''));

async function heapUsedMB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize / 1e6;
}

async function frames(page: Page, ms: number, during?: () => Promise<void>): Promise<number[]> {
  await page.evaluate(() => {
    const b = (window as unknown as { __bench: { frames: number[]; recording: boolean } }).__bench;
    b.frames = [];
    b.recording = true;
  });
  await (during ? during() : sleep(ms));
  return page.evaluate(() => {
    const b = (window as unknown as { __bench: { frames: number[]; recording: boolean } }).__bench;
    b.recording = false;
    return b.frames;
  });
}

async function logsUnderLoad(browser: Browser, url: string, ctx: SuiteContext): Promise<Figure[]> {
  const { page, errors } = await openApp(browser, url, { vms: [runningVm], tasks: { web: task }, logLines: INITIAL_LINES });
  try {
    await page.locator('[data-name=web] .vm-item-main').click();
    const t0 = Date.now();
    await page.getByRole('tab', { name: 'Logs' }).click();
    // The first screen: the log's last line on screen (the tail is read first).
    const lastLine = `line ${String(INITIAL_LINES).padStart(8, '0')}`;
    await page.locator('.log-row', { hasText: lastLine }).first().waitFor({ timeout: 120_000 });
    const firstScreenMs = Date.now() - t0;
    ctx.log(`renderer: the last of 1,000,000 lines on screen in ${firstScreenMs} ms`);
    // Then all of it: older pages one after the other ("Load older lines"), as scrolling up does.
    const deadline = Date.now() + 120_000;
    while ((await countOf(page)) < INITIAL_LINES) {
      if (Date.now() > deadline) throw new Error(`the Logs view showed ${await countOf(page)} of ${INITIAL_LINES} lines after 120 s`);
      const more = page.getByTestId('log-load-older');
      if ((await more.count()) > 0 && (await more.isEnabled())) await more.click().catch(() => undefined);
      else await sleep(20);
    }
    const loadMs = Date.now() - t0;
    ctx.log(`renderer: 1,000,000 lines loaded in ${loadMs} ms`);
    const heapLoaded = await heapUsedMB(page);
    const idle = await frames(page, ctx.quick ? 2_000 : 3_000);
    // 20,000 lines/s: the fake bridge's log grows by elapsed time x rate (late timers cannot lose lines).
    const appended = await (async () => {
      let loaded: number[] = [];
      loaded = await frames(page, 0, async () => {
        await page.evaluate(({ perS, seconds, initial }) => {
          const cfg = (window as unknown as { __FAKE_API_CONFIG__: { logLines: number } }).__FAKE_API_CONFIG__;
          const start = performance.now();
          return new Promise<void>((done) => {
            const t = setInterval(() => {
              const elapsed = Math.min(seconds * 1000, performance.now() - start);
              cfg.logLines = initial + Math.floor((elapsed * perS) / 1000);
              if (elapsed >= seconds * 1000) {
                clearInterval(t);
                done();
              }
            }, 50);
          });
        }, { perS: APPEND_PER_S, seconds: APPEND_S, initial: INITIAL_LINES });
      });
      return loaded;
    })();
    const expected = INITIAL_LINES + APPEND_PER_S * APPEND_S;
    // The view polls every 1.5 s: give it a few polls to catch up, then count.
    const catchUp = Date.now() + 15_000;
    while ((await countOf(page)) < expected && Date.now() < catchUp) await sleep(100);
    const shown = await countOf(page);
    const heapAfter = await heapUsedMB(page);
    if (errors.length > 0) throw new Error(`the page threw: ${errors[0]}`);
    const group = 'Renderer';
    const idleBase = { label: 'the same page idle (no appends)', samples: idle };
    return [
      figure({ id: 'renderer.frame', group, title: 'Logs view, 1M lines + 20k lines/s for 10 s: frame time p95', unit: 'ms', note: `requestAnimationFrame intervals, ${appended.length} frames; the p95 column is in latest.json (value.p95)` }, [percentileOf(appended, 95)], { label: 'the same page idle (no appends), p95', samples: [percentileOf(idle, 95)] }),
      figure({ id: 'renderer.frame-all', group, title: 'Logs view under appends: every frame interval (p50 in the cell, max in brackets)', unit: 'ms' }, appended, idleBase),
      figure({ id: 'renderer.dropped', group, title: 'lines dropped (expected − shown)', unit: 'lines', note: `${shown.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} lines shown` }, [Math.max(0, expected - shown)]),
      figure({ id: 'renderer.heap', group, title: 'JS heap after the appends (after GC)', unit: 'MB' }, [heapAfter], { label: 'with the 1M lines loaded', samples: [heapLoaded] }),
      figure({ id: 'renderer.logs-first-screen', group, title: 'Logs tab opened on 1,000,000 lines: the last line on screen', unit: 'ms', note: 'the tail (last 256 KiB) is read first; older lines load as the user scrolls up' }, [firstScreenMs]),
      figure({ id: 'renderer.load-1m', group, title: 'Logs tab opened to all 1,000,000 lines loaded (older pages loaded one after the other)', unit: 'ms' }, [loadMs]),
    ];
  } finally {
    await page.context().close();
  }
}

function percentileOf(v: number[], p: number): number {
  const s = [...v].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  return s[lo]! + (s[Math.ceil(rank)]! - s[lo]!) * (rank - lo);
}

async function firstPaint(browser: Browser, appUrl: string, blankUrl: string, ctx: SuiteContext): Promise<Figure[]> {
  const config = { vms: [runningVm, { ...runningVm, name: 'db', state: 'exited', pid: undefined }], tasks: { web: task } };
  const samples = await runSchedule(alternation(['blank', 'app'] as const, ctx.quick ? 2 : 7, 1), async (variant) => {
    const { page } = await openApp(browser, variant === 'app' ? appUrl : blankUrl, config);
    try {
      if (variant === 'app') await page.locator('[data-testid=vm-item]').first().waitFor({ timeout: 30_000 });
      else await page.locator('p').waitFor();
      await sleep(50);
      return await page.evaluate(() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
        const meaningful = (window as unknown as { __bench: { meaningfulAt?: number } }).__bench.meaningfulAt;
        return { fcp: fcp ?? Number.NaN, meaningful: meaningful ?? fcp ?? Number.NaN };
      });
    } finally {
      await page.context().close();
    }
  });
  const group = 'App start';
  const blank = { label: 'a static HTML page, first contentful paint', samples: samples.blank.fcp! };
  return [
    figure({ id: 'renderer.fcp', group, title: 'renderer: load to first contentful paint', unit: 'ms' }, samples.app.fcp!, blank),
    figure({ id: 'renderer.first-meaningful', group, title: 'renderer: load to first meaningful paint (the VM list drawn)', unit: 'ms' }, samples.app.meaningful!, blank),
  ];
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const blankDir = ctx.tempDir('vmdesk-bench-blank');
  writeFileSync(join(blankDir, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>blank</title></head><body><p>vmdesk</p></body></html>\n');
  const app = await serveDirectory(resolve('out/renderer'));
  const blank = await serveDirectory(blankDir);
  const browser = await launchChromium();
  try {
    const figures = [...(await logsUnderLoad(browser, app.url, ctx)), ...(await firstPaint(browser, app.url, blank.url, ctx))];
    return { figures, notes: ['Renderer figures use the FAKE window.api of the renderer tests (test/helpers/fake-api.js), which generates the log lines; the preload bridge and IPC are not part of these figures.'] };
  } finally {
    await browser.close();
    await app.close();
    await blank.close();
  }
}

/** The renderer suite. */
export const rendererSuite: Suite = {
  name: 'renderer',
  promises: [
    { id: 'renderer.frame', group: 'Renderer', title: 'Logs view, 1M lines + 20k lines/s for 10 s: frame time p95' },
    { id: 'renderer.dropped', group: 'Renderer', title: 'lines dropped (expected − shown)' },
    { id: 'renderer.logs-first-screen', group: 'Renderer', title: 'Logs tab opened on 1,000,000 lines: the last line on screen' },
    { id: 'renderer.fcp', group: 'App start', title: 'renderer: load to first contentful paint' },
  ],
  run,
};
