// Which files `vmdesk test` reads as Nomad jobs (issue #16): by name (.hcl, .nomad) or by the API JSON's form;
// which task of a job it tests, and how a bad job is reported.
import { describe, expect, it } from 'vitest';
import { isNomadJobFile, taskFromJobFile } from '../../src/main/checks/job-file';
import { TestInputError } from '../../src/main/checks/test-inputs';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';

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

const twoTasks = `job "lab" {
  group "g" {
    task "web" {
      driver = "qemu"
      config {
        image_path = "web.qcow2"
      }
    }
    task "db" {
      driver = "qemu"
      config {
        image_path = "db.qcow2"
      }
    }
  }
}
`;

describe('taskFromJobFile', () => {
  const opts = { home: '/nonexistent/vmdesk-home', driverConfig: DEFAULT_DRIVER_CONFIG };

  it('asks for --task when the job has several qemu tasks, and takes the one --task names', async () => {
    await expect(taskFromJobFile('/srv/lab/lab.nomad.hcl', twoTasks, opts)).rejects.toThrow(
      new TestInputError('/srv/lab/lab.nomad.hcl: job "lab" has 2 qemu tasks (web, db); pick one with --task NAME'),
    );
    const db = await taskFromJobFile('/srv/lab/lab.nomad.hcl', twoTasks, { ...opts, only: 'db' });
    expect(db.config.image_path).toBe('db.qcow2');
  });

  it('reports an invalid job as input errors with the job file\'s line', async () => {
    await expect(taskFromJobFile('/srv/x.hcl', 'job "x" {\n  group "g" {\n', opts)).rejects.toThrow(/^\/srv\/x\.hcl: error: line \d+/);
  });
});
