// Which program builds the seed ISO (genisoimage, else xorriso in its mkisofs mode) and its exact argv. The
// argv is pure and spawned without a shell; finding the tool on PATH is the only I/O here.
import { which } from '../driver/fingerprint';

/** A seed ISO builder found on PATH. */
export interface SeedTool {
  name: 'genisoimage' | 'xorriso';
  path: string;
}

/** What to install when no seed tool is found. */
export const SEED_TOOL_HINT = 'install genisoimage (sudo apt-get install genisoimage on Debian/Ubuntu; sudo dnf install genisoimage on Fedora) or xorriso';

/** The NoCloud volume label cloud-init looks for. */
export const SEED_VOLUME_LABEL = 'cidata';

/** genisoimage first (what the NoCloud docs use), else xorriso; undefined when neither is on PATH. */
export async function findSeedTool(pathEnv: string | undefined = process.env.PATH): Promise<SeedTool | undefined> {
  const geniso = await which('genisoimage', pathEnv);
  if (geniso) return { name: 'genisoimage', path: geniso };
  const xorriso = await which('xorriso', pathEnv);
  if (xorriso) return { name: 'xorriso', path: xorriso };
  return undefined;
}

/** The argv (after the binary) that writes `output` from `files` (names in `dir`): Joliet + Rock Ridge, label cidata. Pure. */
export function seedToolArgs(tool: SeedTool['name'], output: string, files: readonly string[]): string[] {
  const common = ['-output', output, '-volid', SEED_VOLUME_LABEL, '-joliet', '-rock', '-quiet', ...files];
  return tool === 'xorriso' ? ['-as', 'mkisofs', ...common] : common;
}
