// The HCL pieces: HashiCorp's parser errors as positions, the line index, Nomad interpolation.
import { describe, expect, it } from 'vitest';
import { parseHclErrorMessage } from '../../src/main/nomad/hcl';
import { indexLines } from '../../src/main/nomad/locate';
import { interpolate, portLabelsReferenced } from '../../src/main/nomad/interpolate';

describe('parseHclErrorMessage', () => {
  it('splits several errors, single- and multi-line ranges', () => {
    const raw =
      'parse config: [vmdesk-job.hcl:3,3-4: Attribute redefined; The argument "x" was already set at vmdesk-job.hcl:2,3-4. Each argument may be set only once. vmdesk-job.hcl:2,20-3,1: Invalid multi-line string; Quoted strings may not be split.]';
    expect(parseHclErrorMessage(raw)).toEqual([
      { line: 3, column: 3, endLine: 3, endColumn: 4, message: 'Attribute redefined; The argument "x" was already set at vmdesk-job.hcl:2,3-4. Each argument may be set only once.' },
      { line: 2, column: 20, endLine: 3, endColumn: 1, message: 'Invalid multi-line string; Quoted strings may not be split.' },
    ]);
  });
});

describe('indexLines', () => {
  it('finds blocks, repeated blocks and attributes past comments, strings with braces and heredocs', () => {
    const src = [
      'job "j" {', // 1
      '  # a comment with { braces',
      '  group "g" {', // 3
      '    task "t" {', // 4
      '      template {', // 5
      '        data = <<EOT',
      '  } not a brace {',
      '        EOT',
      '      }',
      '      template { destination = "x" }', // 10
      '      config {', // 11
      '        args = ["${a}", "}", "${f("}")}",', // 12
      '          "-x"]',
      '        port_map = { http = 80 }', // 14
      '        /* { */ image_path = "a" // }', // 15
      '      }',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const idx = indexLines(src);
    expect(idx.get('job.j[0]')).toBe(1);
    expect(idx.get('job.j[0]/group.g[0]')).toBe(3);
    expect(idx.get('job.j[0]/group.g[0]/task.t[0]')).toBe(4);
    expect(idx.get('job.j[0]/group.g[0]/task.t[0]/template[0]')).toBe(5);
    expect(idx.get('job.j[0]/group.g[0]/task.t[0]/template[1]')).toBe(10);
    expect(idx.get('job.j[0]/group.g[0]/task.t[0]/template[1]/=destination')).toBe(10);
    expect(idx.get('job.j[0]/group.g[0]/task.t[0]/config[0]/=args')).toBe(12);
    expect(idx.get('job.j[0]/group.g[0]/task.t[0]/config[0]/=port_map')).toBe(14);
    expect(idx.get('job.j[0]/group.g[0]/task.t[0]/config[0]/=image_path')).toBe(15);
  });
});

describe('interpolate', () => {
  const vars: Record<string, string> = { NOMAD_TASK_NAME: 'web', NOMAD_PORT_http: '8080' };
  it.each([
    ['${NOMAD_TASK_NAME}.img', 'web.img', []],
    ['${ NOMAD_TASK_NAME }', 'web', []],
    ['$${NOMAD_TASK_NAME}', '${NOMAD_TASK_NAME}', []],
    ['%%{x}', '%{x}', []],
    ['a${VMNAME}b', 'a${VMNAME}b', ['${VMNAME}']],
    ['${upper("}")}-${NOMAD_PORT_http}', '${upper("}")}-8080', ['${upper("}")}']],
    ['%{ if true }x%{ endif }', '%{ if true }x%{ endif }', ['%{ if true }', '%{ endif }']],
    ['${node.class}', '${node.class}', ['${node.class}']],
  ])('%s -> %s', (input, value, unresolved) => {
    expect(interpolate(input, (n) => vars[n])).toEqual({ value, unresolved });
  });

  it('lists port labels referenced, skipping escaped ones', () => {
    expect(portLabelsReferenced('hostfwd=tcp::${NOMAD_PORT_http}-:80,${NOMAD_HOST_PORT_ssh},$${NOMAD_PORT_x},${NOMAD_ADDR_db}')).toEqual([
      'http',
      'ssh',
      'db',
    ]);
  });
});
