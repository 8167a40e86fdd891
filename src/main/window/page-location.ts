// Where the renderer page and the preload are: the built files next to out/main, or electron-vite's dev server.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The page to load and the preload to give it. */
export interface PageLocation {
  /** Absolute path of the built preload (CommonJS, for the sandbox). */
  preload: string;
  /** The page's URL: file:///.../out/renderer/index.html, or the dev server URL. */
  url: string;
  /** Set when the page is a file (loaded with loadFile). */
  file?: string;
  dev: boolean;
}

/**
 * Computes the page location from the directory of the main bundle (out/main, via import.meta.dirname: the
 * bundle is ESM, so there is no __dirname) and, in development, ELECTRON_RENDERER_URL set by electron-vite.
 */
export function pageLocation(mainDir: string, env: NodeJS.ProcessEnv, isPackaged: boolean): PageLocation {
  const preload = join(mainDir, '..', 'preload', 'index.cjs');
  const devUrl = env.ELECTRON_RENDERER_URL;
  if (!isPackaged && devUrl) return { preload, url: devUrl, dev: true };
  const file = join(mainDir, '..', 'renderer', 'index.html');
  return { preload, url: pathToFileURL(file).href, file, dev: false };
}
