// Which files `vmdesk test` reads as Nomad jobs (issue #16): by name (.hcl, .nomad) or by the API JSON's form.
import { describe, expect, it } from 'vitest';
import { isNomadJobFile } from '../../src/main/checks/job-file';

describe('isNomadJobFile', () => {
  it.each([
    ['job.nomad.hcl', 'job "x" {}', true],
    ['web.nomad', 'job "x" {}', true],
    ['WEB.HCL', '', true],
    ['job.json', '{"Job": {"ID": "x"}}', true],
    ['job.json', '{"ID": "x", "TaskGroups": []}', true],
    ['task.json', '{"name": "web", "config": {"image_path": "a.img"}}', false],
    ['task.json', '[1, 2]', false],
    ['task.json', 'not json', false],
    ['task.json', 'null', false],
  ])('%s holding %s -> %s', (path, text, want) => {
    expect(isNomadJobFile(path, text)).toBe(want);
  });
});
