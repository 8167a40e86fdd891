import { describe, expect, it } from 'vitest';
import { parseTask } from '../../../src/shared/task';
import {
  emptyForm,
  fieldErrors,
  fieldToFormField,
  formToTaskFile,
  localFormErrors,
  messageForField,
  newPortRow,
  suggestName,
  taskFileToForm,
} from '../../../src/renderer/src/lib/task-form';

describe('formToTaskFile', () => {
  it('makes a task the shared schema accepts, with ports and args', () => {
    const form = {
      ...emptyForm(),
      name: 'web',
      imagePath: '/images/web.qcow2',
      memory: '256',
      cores: '2',
      ports: [newPortRow('http', '80', ''), newPortRow('ssh', '22', '2222'), newPortRow()],
      dnsServers: '1.1.1.1, 8.8.8.8',
      dnsSearches: 'lab.local',
      args: '-device virtio-rng-pci',
      guestAgent: true,
      killTimeout: '45s',
    };
    const file = formToTaskFile(form);
    expect(file).toMatchObject({
      name: 'web',
      config: { image_path: '/images/web.qcow2', port_map: { http: 80, ssh: 22 }, args: ['-device', 'virtio-rng-pci'], guest_agent: true },
      ports: { http: 0, ssh: 2222 },
      resources: { memory: 256, cores: 2 },
      dns: { servers: ['1.1.1.1', '8.8.8.8'], searches: ['lab.local'] },
      kill_timeout: '45s',
    });
    const parsed = parseTask(file);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.task.kill_timeout_ms).toBe(45_000);
  });

  it('passes typed text through so the driver reports it', () => {
    const file = formToTaskFile({ ...emptyForm(), name: 'a', imagePath: 'x.img', memory: 'lots', ports: [newPortRow('http', 'eighty', '')] });
    expect(file.resources?.memory).toBe('lots');
    const parsed = parseTask(file);
    expect(parsed).toMatchObject({ ok: false });
  });

  it('round-trips through taskFileToForm', () => {
    const form = { ...emptyForm(), name: 'db', imagePath: 'db.img', ports: [newPortRow('pg', '5432', '15432')], args: '-append "console=ttyS0 quiet"', disposable: true };
    const back = taskFileToForm(formToTaskFile(form));
    expect({ ...back, ports: back.ports.map(({ label, guest, host }) => ({ label, guest, host })) }).toEqual({
      ...form,
      ports: [{ label: 'pg', guest: '5432', host: '15432' }],
    });
  });

  it('reads the list form of port_map and string booleans', () => {
    const form = taskFileToForm({ name: 'x', config: { image_path: 'a', port_map: [{ http: '80' }], graceful_shutdown: 'true' }, ports: { http: 0 }, kill_timeout: 10 });
    expect(form.ports.map((r) => [r.label, r.guest, r.host])).toEqual([['http', '80', '']]);
    expect(form.gracefulShutdown).toBe(true);
    expect(form.killTimeout).toBe('10s');
  });
});

describe('error placement', () => {
  it.each([
    ['name', 'name'],
    ['config.image_path', 'imagePath'],
    ['config.port_map.http', 'port:http'],
    ['ports.http', 'port:http'],
    ['config.port_map', 'ports'],
    ['config.args.2', 'args'],
    ['resources.memory', 'memory'],
    ['dns.servers.1', 'dnsServers'],
    ['kill_timeout', 'killTimeout'],
    ['config.accelerator', 'accelerator'],
    ['something.else', 'form'],
    [undefined, 'form'],
  ])('%s -> %s', (field, key) => expect(fieldToFormField(field)).toBe(key));

  it('drops the field prefix the form already shows', () => {
    expect(messageForField('config.port_map.http: guest port must be 1 to 65535', 'config.port_map.http')).toBe('guest port must be 1 to 65535');
    expect(messageForField('image_path must be set', 'config.image_path')).toBe('image_path must be set');
  });

  it('flags a label used twice', () => {
    const errors = localFormErrors({ ...emptyForm(), ports: [newPortRow('http', '80'), newPortRow('http', '8080')] });
    expect(errors['port:http']).toMatch(/used twice/);
  });
});

describe('suggestName', () => {
  it.each([
    ['/x/Web Server.qcow2', 'web-server'],
    ['C:\\imgs\\debian-12.img', 'debian-12'],
    ['/x/_hidden.raw', 'hidden'],
    ['/x/ÜBER.iso', 'ber'],
  ])('%s -> %s', (path, name) => expect(suggestName(path)).toBe(name));
});

describe('fieldErrors', () => {
  it('finds an error for every wrong field, not only the first', () => {
    const form = { ...emptyForm(), name: 'Bad Name', memory: '64', ports: [newPortRow('http', '70000', '')], dnsServers: 'not-an-ip', killTimeout: 'soon' };
    const errors = fieldErrors(form, parseTask);
    expect(Object.keys(errors).sort()).toEqual(['dnsServers', 'killTimeout', 'memory', 'name', 'port:http'].sort());
    expect(errors['port:http']).toBe('guest port must be 1 to 65535');
    expect(errors.memory).toMatch(/out of bounds/);
  });
  it('finds nothing for a good form', () => {
    expect(fieldErrors({ ...emptyForm(), name: 'ok', imagePath: 'a.img', ports: [newPortRow('ssh', '22', '2222')] }, parseTask)).toEqual({});
  });
});

describe('config.cloud_init in the form', () => {
  const file = {
    name: 'cloud',
    config: {
      image_path: 'disk.qcow2',
      port_map: { ssh: 22 },
      cloud_init: { hostname: 'web-1', user_data: '#cloud-config\nruncmd:\n  - echo hi\n', ssh_authorized_keys: ['ssh-ed25519 AAAAC3 me@host'] },
    },
  };
  it('is kept on edit: a save without touching it writes it back unchanged and valid', () => {
    const back = formToTaskFile(taskFileToForm(file));
    expect(back.config?.cloud_init).toEqual(file.config.cloud_init);
    expect(parseTask(back).ok).toBe(true);
  });
  it('is not invented for a task without it', () => {
    expect(formToTaskFile(taskFileToForm({ name: 'plain', config: { image_path: 'a.img' } })).config ?? {}).not.toHaveProperty('cloud_init');
  });
});
