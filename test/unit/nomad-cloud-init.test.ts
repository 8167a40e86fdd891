// cloud_init across Nomad: export carries the block in meta vmdesk_cloud_init (JSON) beside the seed drive and
// artifact; import(export(task)) restores it (keys, hostname, user-data, network-config {file} references),
// drops the seed -drive arg and the seed artifact export wrote (only those), and refuses a hostile meta value
// with a diagnostic naming the field.
import { describe, expect, it } from 'vitest';
import { exportJob, toApiJson, toHcl } from '../../src/main/nomad/export-job';
import { importJobText } from '../../src/main/nomad/import-job';
import { dropSeedDriveArgs, isExportedSeedArtifact, readCloudInitMeta, SEED_DRIVE_ARG } from '../../src/main/nomad/cloud-init-nomad';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { parseTask, type Task } from '../../src/shared/task';

const driverConfig = { ...DEFAULT_DRIVER_CONFIG, image_paths: ['/images'] };
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7oE3ZL5b8x6m9cVv1Y7y2Yw2Jk8mG0b1c2d3e4f5g dev@laptop';
const USER_DATA = '#cloud-config\n# a comment with "quotes", a ${NOMAD_TASK_NAME} and a %{ if x } that are text\nruncmd:\n  - echo "tab\there" > /dev/console\n  - echo \'$${x}\'\n';

function task(input: unknown): Task {
  const r = parseTask(input);
  if (!r.ok) throw new Error(r.message);
  return r.task;
}
const ciTask = task({
  name: 'cloud',
  config: {
    image_path: 'debian.qcow2',
    port_map: { ssh: 22 },
    args: ['-nodefaults'],
    cloud_init: {
      hostname: 'box1',
      user_data: USER_DATA,
      network_config: { file: 'net.yaml' },
      meta_data: { zone: 'lab', rack: 3, spare: true },
      ssh_authorized_keys: [KEY],
      ssh_user: 'dev',
      ssh_port: 'ssh',
    },
  },
  ports: { ssh: 2222 },
});

async function importText(text: string) {
  return importJobText(text, { outDir: '/srv/vms', home: '/nonexistent', driverConfig });
}
const errorsOf = (r: Awaited<ReturnType<typeof importText>>) => r.diagnostics.filter((d) => d.severity === 'error');

describe('cloud_init in an exported Nomad job', () => {
  it('carries the normalised block in meta vmdesk_cloud_init as JSON, beside the seed drive, and says so', () => {
    const job = exportJob(ciTask);
    expect(JSON.parse(job.meta.vmdesk_cloud_init!)).toEqual(ciTask.config.cloud_init);
    expect(job.config.find(([k]) => k === 'args')![1]).toEqual(expect.arrayContaining(['-drive', SEED_DRIVE_ARG]));
    expect(job.notes).toContainEqual(expect.stringMatching(/whole block is kept in meta vmdesk_cloud_init/));
    expect(job.notes).toContainEqual(expect.stringMatching(/network_config \{file: net\.yaml\} kept as a file reference/));
    expect(exportJob(task({ name: 'plain', config: { image_path: 'a.qcow2' } })).meta).toEqual({});
  });
});

describe('import(export(task)) keeps cloud_init', () => {
  it('HCL and API JSON: the same task back (keys, hostname, user-data with ${, %{, quotes, tabs), no seed drive', async () => {
    for (const text of [toHcl(exportJob(ciTask), 'x'), JSON.stringify(toApiJson(exportJob(ciTask)))]) {
      const r = await importText(text);
      expect(errorsOf(r)).toEqual([]);
      expect(r.tasks[0]!.task).toEqual(ciTask);
      expect(r.tasks[0]!.task.config.drives).toBeUndefined();
      expect(r.diagnostics).toContainEqual(expect.objectContaining({ severity: 'info', kind: 'cloud-init', message: expect.stringMatching(/restored from meta vmdesk_cloud_init; dropped the seed -drive arg/) }));
    }
  });

  it('with the image URL: the seed artifact export wrote is dropped, the image artifact kept', async () => {
    const job = exportJob(ciTask, { artifactUrl: 'https://img.example.com/vms/debian.qcow2' });
    expect(job.extraArtifacts).toEqual([{ source: 'https://img.example.com/vms/seed.iso', destination: 'local/seed.iso', mode: 'file' }]);
    for (const text of [toHcl(job, 'x'), JSON.stringify(toApiJson(job))]) {
      const r = await importText(text);
      expect(errorsOf(r)).toEqual([]);
      const back = r.tasks[0]!.task;
      expect(back.config.cloud_init).toEqual(ciTask.config.cloud_init);
      expect(back.config.drives).toBeUndefined();
      expect(back.artifacts?.map((a) => a.destination)).toEqual(['local/debian.qcow2']);
      expect(r.diagnostics.find((d) => d.kind === 'cloud-init')!.message).toMatch(/the seed artifact https:\/\/img\.example\.com\/vms\/seed\.iso/);
    }
  });

  it('a job without the meta key: a seed-like drive stays a drive (only what export itself wrote is dropped)', async () => {
    const { meta: _m, ...job } = exportJob(ciTask);
    const r = await importText(toHcl({ ...job, meta: {} }, 'x'));
    expect(errorsOf(r)).toEqual([]);
    expect(r.tasks[0]!.task.config.cloud_init).toBeUndefined();
    expect(r.tasks[0]!.task.config.drives).toEqual([{ path: 'local/seed.iso', media: 'cdrom', interface: 'ide', format: 'raw' }]);
  });
});

describe('a hostile meta vmdesk_cloud_init is refused with a clear diagnostic', () => {
  const jobWith = (value: string) => {
    const j = exportJob(task({ name: 'evil', config: { image_path: 'a.qcow2' } }));
    return JSON.stringify(toApiJson({ ...j, meta: { vmdesk_cloud_init: value } }));
  };
  it.each([
    ['{not json', /meta vmdesk_cloud_init: not JSON/],
    ['["a"]', /must be a JSON object \(the cloud_init block\), not an array/],
    ['null', /not null/],
    [JSON.stringify({ hostname: 'x;rm -rf /' }), /meta vmdesk_cloud_init: cloud_init\.hostname: hostname: 1-63 letters/],
    [JSON.stringify({ ssh_authorized_keys: [`${KEY}\nssh-rsa AAAA evil`] }), /cloud_init\.ssh_authorized_keys\.0: each ssh_authorized_keys entry is one public key line/],
    [JSON.stringify({ user_data: { file: '' } }), /cloud_init\.user_data\.file/],
    [JSON.stringify({ userdata: 'x' }), /cloud_init\.userdata: unknown key; did you mean user_data\?/],
    [JSON.stringify({ ssh_user: 'root me' }), /ssh_user: a Linux user name/],
  ])('%s', async (value, message) => {
    const r = await importText(jobWith(value));
    expect(r.ok).toBe(false);
    expect(r.tasks).toEqual([]);
    expect(errorsOf(r)).toContainEqual(expect.objectContaining({ kind: 'invalid', task: 'evil', message: expect.stringMatching(message) }));
  });

  it('a block that passes the schema still goes through the task validation (broken YAML with its line)', async () => {
    const r = await importText(jobWith(JSON.stringify({ user_data: '#cloud-config\nruncmd: [\n' })));
    expect(errorsOf(r)).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/cloud_init\.user_data: broken YAML at line/) }));
  });
});

describe('the pure parts', () => {
  it('readCloudInitMeta unescapes HCL $${ only for HCL; refuses an oversized value', () => {
    expect(readCloudInitMeta('{"hostname":"a","user_data":"$${x}"}', true)).toEqual({ ok: true, value: { hostname: 'a', user_data: '${x}' } });
    expect(readCloudInitMeta('{"user_data":"$${x}"}', false)).toEqual({ ok: true, value: { user_data: '$${x}' } });
    expect(readCloudInitMeta(`"${'x'.repeat(3 * 1024 * 1024)}"`, false)).toMatchObject({ ok: false, message: expect.stringMatching(/longer than/) });
  });
  it('dropSeedDriveArgs drops only the exact seed pair, once', () => {
    const other = 'file=local/seed.iso,format=raw,if=virtio,media=cdrom';
    expect(dropSeedDriveArgs(['-a', '-drive', SEED_DRIVE_ARG, '-drive', other, '-drive', SEED_DRIVE_ARG])).toEqual({ args: ['-a', '-drive', other, '-drive', SEED_DRIVE_ARG], dropped: true });
    expect(dropSeedDriveArgs(['-drive', other])).toEqual({ args: ['-drive', other], dropped: false });
  });
  it('isExportedSeedArtifact: only a plain file URL ending in /seed.iso into local/seed.iso', () => {
    const base = { source: 'https://x.example/v/seed.iso', destination: 'local/seed.iso', mode: 'file', options: {} };
    expect(isExportedSeedArtifact(base)).toBe(true);
    expect(isExportedSeedArtifact({ ...base, destination: 'local/other.iso' })).toBe(false);
    expect(isExportedSeedArtifact({ ...base, source: 'https://x.example/v/debian.qcow2' })).toBe(false);
    expect(isExportedSeedArtifact({ ...base, options: { checksum: 'sha256:00' } })).toBe(false);
    expect(isExportedSeedArtifact({ ...base, mode: undefined })).toBe(false);
  });
});
