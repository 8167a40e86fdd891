// Code splitting (issue #17 item 4): the built main process's entry (out/main/index.js and the chunks it
// imports statically) holds none of the Nomad, HCL, artifacts, display, ssh terminal or checks code, which
// deferred-services.ts loads on first call; and the renderer's entry (index.html's script and modulepreloads)
// holds no xterm.js, noVNC or uPlot, which load with their tabs. Reads the real build (npm run build first).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const out = fileURLToPath(new URL('../../out/', import.meta.url));

/** `entry` and every chunk it imports statically (`from "./x.js"` / `import "./x.js"`), as file texts. */
function staticGraph(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const m of text.matchAll(/(?:from|import)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) visit(join(dirname(file), m[1]!));
  };
  visit(entry);
  return seen;
}

/** Every file of the renderer's first load: the entry script, its modulepreloads and their static imports. */
function rendererInitial(): Map<string, string> {
  const dir = join(out, 'renderer');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const all = new Map<string, string>();
  for (const m of html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)) for (const [f, t] of staticGraph(join(dir, m[1]!))) all.set(f, t);
  return all;
}

const mainMarkers = ['src/main/nomad/import-job', 'src/main/nomad/export-job', 'src/main/nomad/map-job', 'src/main/nomad/submit', 'src/main/artifacts/fetch-task', 'src/main/display/vnc-bridge', 'src/main/display/screenshot', 'src/main/snapshots/snapshots', 'src/main/ssh/ssh-terminal-plan', 'src/main/checks/test-session', 'src/main/app/nomad-services', 'src/main/app/checks-handlers'];
// Strings only these libraries hold: xterm's hidden textarea class, noVNC's own name in its messages, uPlot's legend class.
const rendererMarkers = { xterm: 'xterm-helper-textarea', noVNC: 'noVNC', uPlot: 'u-legend' };

describe('the built bundles are split', () => {
  it('main: the entry graph holds none of the deferred modules, and the deferred chunk holds them', () => {
    const entry = staticGraph(join(out, 'main', 'index.js'));
    const text = [...entry.values()].join('\n');
    expect(entry.size).toBeGreaterThan(1);
    for (const m of mainMarkers) expect(text, `${m} is in the main entry graph`).not.toContain(`// ${m}`);
    const chunk = /import\(["']\.\/(chunks\/deferred-services-[^"']+\.js)["']\)/.exec(readFileSync(join(out, 'main', 'index.js'), 'utf8'));
    expect(chunk, 'index.js imports deferred-services dynamically').not.toBeNull();
    const lazy = [...staticGraph(join(out, 'main', chunk![1]!)).values()].join('\n');
    for (const m of mainMarkers) expect(lazy, `${m} is in the deferred graph`).toContain(`// ${m}`);
  });

  it('main: no chunk imports the entry (evaluated anew, as the test harness does per launch, it would start the app twice)', () => {
    const chunks = join(out, 'main', 'chunks');
    const importers = readdirSync(chunks).filter((f) => /["']\.\.\/index\.js["']/.test(readFileSync(join(chunks, f), 'utf8')));
    expect(importers).toEqual([]);
    expect(readdirSync(chunks).length).toBeGreaterThan(1);
  });

  it('renderer: the first load holds no xterm, noVNC or uPlot; the whole build does', () => {
    const initial = [...rendererInitial().values()].join('\n');
    expect(initial).toContain('createRoot');
    const assets = join(out, 'renderer', 'assets');
    const everything = readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
    for (const [lib, marker] of Object.entries(rendererMarkers)) {
      expect(initial.includes(marker), `${lib} is in the first load`).toBe(false);
      expect(everything.includes(marker), `${lib} is in no chunk at all: the marker is stale`).toBe(true);
    }
  });
});
