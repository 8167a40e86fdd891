// What a suite is and what it gets: the run's options, temp dirs that are cleaned up, the test guest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figure, MissingFigure } from './lib/results';
import { trackDir } from './lib/processes';

/** The built test guest (test/guest/build-guest.mjs). */
export interface Guest {
  dir: string;
  disk: string;
  markers: { ready: string; tick: string };
}

/** Options and helpers every suite receives. */
export interface SuiteContext {
  quick: boolean;
  /** Measured rounds per A/B comparison, and warm-up rounds before them. */
  rounds: number;
  warmupRounds: number;
  /** The repository root (cwd). */
  root: string;
  guest: Guest;
  log(msg: string): void;
  /** A fresh temp dir, removed at the end of the run; processes naming it are killed at cleanup. */
  tempDir(prefix: string): string;
}

/** What a suite produced. */
export interface SuiteOutput {
  figures: Figure[];
  notes?: string[];
  /** Why a promised figure is absent, by figure id. */
  missingReasons?: Record<string, string>;
}

/** A figure a suite promises (reported as missing when the suite fails before producing it). */
export type PromisedFigure = Omit<MissingFigure, 'reason' | 'target'>;

/** One group of measurements. */
export interface Suite {
  name: string;
  promises: PromisedFigure[];
  run(ctx: SuiteContext): Promise<SuiteOutput>;
}

const temps: string[] = [];

/** Makes a temp dir under /tmp (short: socket paths must stay under 108 bytes) and tracks it. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(prefix.startsWith('vd') ? '/tmp' : tmpdir(), `${prefix}-`));
  temps.push(dir);
  trackDir(dir);
  return dir;
}

/** Removes every temp dir made so far. */
export function removeTempDirs(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}
