// I/O edge of the cloud-init plan: reads the {file} sources of config.cloud_init through the same place rule as
// images (inside the task's directory or image_paths, symlinks resolved, a regular file, size-limited), checks
// their YAML (a broken one is refused before the start, with its line), and finds the seed tool.
import { isAbsolute, resolve } from 'node:path';
import { seedYamlProblem, SEED_FILE_MAX_BYTES, type SeedSource } from '../../shared/cloud-init';
import { VmdeskError } from '../../shared/errors';
import type { Task } from '../../shared/task';
import { type AllowedPlaces, realpathOrUndefined } from '../driver/image-inspect';
import { imagePathSyntaxProblem, isAllowedImagePath, isAllowedImagePathLexically } from '../driver/image-policy';
import { readLimitedFile } from '../store/read-limited';
import type { ResolvedCloudInit } from './cloud-init-plan';
import { findSeedTool } from './seed-tool';

/** Reads one seed source: inline text as is, a file through the place rule. */
async function readSource(key: 'user_data' | 'network_config', src: SeedSource, places: AllowedPlaces, configuredDirs: readonly string[]): Promise<string> {
  const field = `config.cloud_init.${key}`;
  if (typeof src === 'string') return src;
  const name = `cloud_init.${key}.file`;
  const fail = (code: 'IMAGE_NOT_ALLOWED' | 'IMAGE_NOT_FOUND' | 'IMAGE_INVALID', message: string) => new VmdeskError(code, message, `${field}.file`);
  const syntax = imagePathSyntaxProblem(src.file);
  if (syntax) throw fail('IMAGE_NOT_ALLOWED', syntax.replace(/^image_path/, name));
  const wanted = isAbsolute(src.file) ? src.file : resolve(places.taskDir, src.file);
  const where = `outside the task directory ${places.taskDir}` + (places.imageDirs.length ? ` and image_paths (${places.imageDirs.join(', ')})` : ' and no image_paths are configured');
  const real = await realpathOrUndefined(wanted);
  if (real === undefined) {
    // The same answer for a missing file outside the allowed places as for an existing one (no existence oracle).
    if (!isAllowedImagePathLexically(wanted, places.taskDir, [...places.imageDirs, ...configuredDirs])) throw fail('IMAGE_NOT_ALLOWED', `${name} is not in the allowed paths: ${wanted} is ${where}`);
    throw fail('IMAGE_NOT_FOUND', `${name}: ${wanted} does not exist`);
  }
  if (!isAllowedImagePath(real, places.taskDir, places.imageDirs)) {
    throw fail('IMAGE_NOT_ALLOWED', `${name} is not in the allowed paths: ${real === wanted ? real : `${wanted} (really ${real})`} is ${where}`);
  }
  const r = await readLimitedFile(real, SEED_FILE_MAX_BYTES);
  if (!r.ok) throw fail(r.reason === 'missing' ? 'IMAGE_NOT_FOUND' : 'IMAGE_INVALID', `${name}: ${r.message}`);
  const problem = seedYamlProblem(key, r.text, real);
  if (problem) throw new VmdeskError('INVALID_TASK', problem, `${field}.file`);
  return r.text;
}

/** The texts and the seed tool for a task with cloud_init; undefined without it. */
export async function resolveCloudInit(task: Task, places: AllowedPlaces, configuredDirs: readonly string[], pathEnv: string | undefined): Promise<ResolvedCloudInit | undefined> {
  const ci = task.config.cloud_init;
  if (!ci) return undefined;
  const userData = ci.user_data !== undefined ? await readSource('user_data', ci.user_data, places, configuredDirs) : undefined;
  const networkConfig = ci.network_config !== undefined ? await readSource('network_config', ci.network_config, places, configuredDirs) : undefined;
  const tool = await findSeedTool(pathEnv);
  return { ...(userData !== undefined ? { userData } : {}), ...(networkConfig !== undefined ? { networkConfig } : {}), ...(tool ? { tool } : {}) };
}
