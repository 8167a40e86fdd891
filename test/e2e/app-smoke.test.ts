// Smoke test of the browser harness: the built renderer in Chromium, the REAL built preload bridged to the
// REAL main-process handlers (built out/main with the FAKE electron), the real supervisor and QEMU.
// Checks the bridge itself: window.api, the CSP in force, errors as data, events back to the page, and
// console output of a real guest streamed through consoleSubscribe/consoleData.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeContract } from '../../src/shared/ipc-contract';
import { launchApp, waitFor, type AppHarness } from '../helpers/app-harness';
import { guestDir, guestDisk, guestMarkers } from '../helpers/guest';

let h: AppHarness;
beforeAll(async () => {
  guestMarkers(); // fails with the build command when the guest is missing
  h = await launchApp({ settings: { driver: { image_paths: [guestDir] } } });
});
afterAll(async () => {
  await h?.close();
});

type PageWindow = Window & { __events: unknown[]; __console: string };

describe('browser harness', () => {
  it('exposes window.api with one function per contract channel, plus on', async () => {
    const keys = await h.page.evaluate(() => Object.keys(window.api).sort());
    expect(keys).toEqual([...Object.keys(invokeContract), 'on'].sort());
    expect(await h.page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  });

  it('runs the page under the strict CSP: inline scripts and network requests are refused', async () => {
    // (page.evaluate itself is exempt from CSP in CDP, so the checks look at what the page's own elements do.)
    const result = await h.page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
      const s = document.createElement('script');
      s.textContent = 'window.__inline = true';
      document.head.appendChild(s);
      const fetched = await fetch('http://127.0.0.1:9/').then(
        () => 'fetched',
        () => 'refused',
      );
      await new Promise((r) => setTimeout(r, 100));
      return { inlineRan: (window as unknown as { __inline?: boolean }).__inline === true, fetched, violations };
    });
    expect(result.inlineRan).toBe(false);
    expect(result.fetched).toBe('refused');
    expect(result.violations).toEqual(expect.arrayContaining(['script-src-elem', 'connect-src']));
    h.pageErrors.length = 0; // the refusals above are logged as console errors on purpose
  });

  it('round-trips calls through preload, sender gate, schema and services', async () => {
    const settings = await h.page.evaluate(() => window.api.getSettings());
    expect(settings).toMatchObject({ ok: true, value: { driver: { image_paths: [guestDir] } } });
    const bad = await h.page.evaluate(() => window.api.stopVm({ name: 'web', force: 'yes' as unknown as boolean }));
    expect(bad).toEqual({ ok: false, error: { code: 'BAD_REQUEST', field: 'force', message: 'stopVm: force: expected a boolean' } });
    const missing = await h.page.evaluate(() => window.api.inspectVm({ name: 'ghost' }));
    expect(missing).toMatchObject({ ok: false, error: { code: 'VM_NOT_FOUND' } });
    const unknownEvent = await h.page.evaluate(() => {
      try {
        window.api.on('nope' as never, () => {});
        return 'subscribed';
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(unknownEvent).toMatch(/unknown event "nope"/);
  });

  it('delivers events to the page and streams a real guest console to the ready marker', async () => {
    const { ready } = guestMarkers();
    await h.page.evaluate(() => {
      const w = window as unknown as PageWindow;
      w.__events = [];
      w.__console = '';
      window.api.on('vmChanged', (info) => w.__events.push(info));
      window.api.on('consoleData', (chunk) => {
        w.__console += atob(chunk.data);
      });
    });
    const task = {
      name: 'smoke',
      config: { image_path: guestDisk, accelerator: 'tcg', graceful_shutdown: true },
      resources: { memory: 128 },
      kill_timeout: '20s',
      disposable: true, // a throw-away overlay: the shared test image is never written (or write-locked)
    };
    const saved = await h.page.evaluate((t) => window.api.saveTask({ task: t }), task);
    expect(saved).toMatchObject({ ok: true, value: { name: 'smoke' } });
    await waitFor('a vmChanged event for the saved VM', () =>
      h.page.evaluate(() => (window as unknown as PageWindow).__events.some((e) => (e as { name: string }).name === 'smoke')),
    );
    const started = await h.page.evaluate(() => window.api.startVm({ name: 'smoke' }));
    expect(started.ok || started.error).toBe(true);
    expect(started).toMatchObject({ ok: true, value: { state: 'running' } });
    const sub = await h.page.evaluate(() => window.api.consoleSubscribe({ name: 'smoke', fromOffset: 0 }));
    expect(sub).toEqual({ ok: true, value: { offset: 0 } });
    await waitFor(
      `the guest's ready marker (${ready}) in the page`,
      () => h.page.evaluate((m) => (window as unknown as PageWindow).__console.includes(m), ready),
      240_000,
    );
    const stopped = await h.page.evaluate(() => window.api.stopVm({ name: 'smoke' }));
    expect(stopped).toMatchObject({ ok: true, value: { state: 'exited', lastExit: { requested: true } } });
    expect(h.pageErrors).toEqual([]);
  }, 300_000);
});
