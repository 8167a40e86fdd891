import { describe, expect, it } from 'vitest';
import { parseTask } from '../../src/shared/task';

describe('task schema', () => {
  it('names the nearest key for a typo', () => {
    const r = parseTask({ name: 'web', config: { imagepath: 'x' } });
    expect(r).toMatchObject({ ok: false, message: 'config.imagepath: unknown key; did you mean image_path?' });
  });
  it('gives the field path for a wrong type', () => {
    const r = parseTask({ name: 'web', config: { image_path: 'x', port_map: { http: 'abc' } }, ports: { http: 80 } });
    expect(r).toMatchObject({ ok: false, message: 'config.port_map.http: expected a number' });
  });
  it('accepts HCL-style coercions and fills defaults', () => {
    const r = parseTask({
      name: 'web',
      config: { image_path: 'a.img', graceful_shutdown: 'true', port_map: [{ http: '80' }] },
      ports: { http: '8080' },
      kill_timeout: '1m30s',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.task.config.graceful_shutdown).toBe(true);
    expect(r.task.config.port_map).toEqual({ http: 80 });
    expect(r.task.ports).toEqual({ http: 8080 });
    expect(r.task.kill_timeout_ms).toBe(90_000);
    expect(r.task.resources).toEqual({ memory: 300, cores: 1 });
    expect(r.task.config.emulator).toBe('x86_64');
  });
  it('requires image_path with Nomad phrase', () => {
    expect(parseTask({ name: 'web', config: {} })).toMatchObject({ ok: false, message: 'image_path must be set' });
  });
});
