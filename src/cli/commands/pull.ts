// `vmdesk pull URL [--checksum sha256:HEX|file:URL] [--out DIR] [--json]`: one image, fetched the way an
// artifact is (cache, checksum, resume, archives unpacked) into DIR (default: the current directory).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { artifactSchema, normaliseArtifact } from '../../shared/artifact';
import { DEFAULT_DRIVER_CONFIG } from '../../shared/driver-config';
import { VmdeskError } from '../../shared/errors';
import { parseWith } from '../../shared/schema-helpers';
import { vmdeskHome } from '../../main/store/paths';
import { loadDriverConfig } from '../../main/store/settings-file';
import type { Command } from '../command';
import { commandInfo } from './info';
import { onePositional, parseCli, printJson, reporting } from '../args';
import { fetchWithProgress, formatOutcomes, outcomesJson } from '../fetch-artifacts';

/** The `pull` command. */
export const pullCommand: Command = {
  ...commandInfo('pull'),
  async run(args, io) {
    const { values, positionals } = parseCli(args, {
      json: { type: 'boolean' },
      checksum: { type: 'string' },
      out: { type: 'string' },
      'no-unpack': { type: 'boolean' },
      'driver-config': { type: 'string' },
    });
    const json = values.json === true;
    const source = onePositional(positionals, 'URL');
    return reporting(io, 'pull', json, async () => {
      const parsed = parseWith(artifactSchema, {
        source,
        destination: '.',
        ...(values.checksum !== undefined || values['no-unpack'] ? { options: { ...(values.checksum !== undefined ? { checksum: values.checksum } : {}), ...(values['no-unpack'] ? { archive: false } : {}) } } : {}),
      });
      if (!parsed.ok) throw new VmdeskError('BAD_REQUEST', parsed.message.replace(/^(options\.checksum: )+/, '--checksum: '));
      const out = resolve(values.out ?? '.');
      mkdirSync(out, { recursive: true });
      const home = vmdeskHome();
      const dc = await loadDriverConfig({ home, ...(values['driver-config'] ? { file: values['driver-config'] } : {}) });
      // The user names the source on their own command line: any local file may be pulled.
      const driverConfig = { ...DEFAULT_DRIVER_CONFIG, ...dc, image_paths: ['/'] };
      const outcomes = await fetchWithProgress([normaliseArtifact(parsed.value)], out, io, { json, force: true, driverConfig });
      if (json) printJson(io, { artifact: outcomesJson(outcomes)[0] });
      else io.out(formatOutcomes(outcomes));
      return 0;
    });
  },
};
