// Which Nomad to talk to: flags first, then the environment variables Nomad's own CLI reads
// (NOMAD_ADDR, NOMAD_TOKEN, NOMAD_NAMESPACE, NOMAD_REGION), then Nomad's default address.
import { VmdeskError } from '../../shared/errors';

/** Nomad's default HTTP API address (the CLI's default for NOMAD_ADDR). */
export const DEFAULT_NOMAD_ADDR = 'http://127.0.0.1:4646';

/** A Nomad cluster and the identity to use with it. The token is a secret: never log or print it. */
export interface NomadTarget {
  address: string;
  token?: string;
  namespace?: string;
  region?: string;
}

/** Resolves the target from flags and environment, as `nomad` does. */
export function resolveNomadTarget(
  flags: { address?: string; token?: string; namespace?: string; region?: string },
  env: NodeJS.ProcessEnv = process.env,
): NomadTarget {
  const address = (flags.address ?? env.NOMAD_ADDR ?? DEFAULT_NOMAD_ADDR).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new VmdeskError('NOMAD_ERROR', `Nomad address "${address}" is not a URL; use e.g. http://127.0.0.1:4646 (--address or NOMAD_ADDR)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new VmdeskError('NOMAD_ERROR', `Nomad address "${address}" must use http:// or https://`);
  }
  if (url.username || url.password) {
    throw new VmdeskError('NOMAD_ERROR', 'put no credentials in the Nomad address; give the ACL token with --token or NOMAD_TOKEN');
  }
  const pick = (flag: string | undefined, name: string) => {
    const v = flag ?? env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const token = pick(flags.token, 'NOMAD_TOKEN');
  const namespace = pick(flags.namespace, 'NOMAD_NAMESPACE');
  const region = pick(flags.region, 'NOMAD_REGION');
  return { address, ...(token ? { token } : {}), ...(namespace ? { namespace } : {}), ...(region ? { region } : {}) };
}
