// What a typed image path means (src/main/app/image-path-input.ts), by table: ~ is the user's home, a relative
// path is the VM's task folder's; a task's `~` image path is made absolute, anything else is left alone.
import { describe, expect, it } from 'vitest';
import { expandHomeInTask, resolveImageInput } from '../../src/main/app/image-path-input';

describe('resolveImageInput', () => {
  it.each([
    ['~', '/home/u'],
    ['~/images/a.img', '/home/u/images/a.img'],
    ['  ~/a.img ', '/home/u/a.img'],
    ['/abs/a.img', '/abs/a.img'],
    ['disk.img', '/t/web/disk.img'],
    ['local/../disk.img', '/t/web/disk.img'],
    ['~user/a.img', '/t/web/~user/a.img'],
  ])('%s', (input, want) => {
    expect(resolveImageInput(input, '/t/web', '/home/u')).toBe(want);
  });
});

describe('expandHomeInTask', () => {
  it('expands only a ~ image path, and keeps everything else as it was', () => {
    const task = { name: 'a', config: { image_path: '~/x.img', args: ['-S'] }, resources: { memory: 128 } };
    expect(expandHomeInTask(task, '/home/u')).toEqual({ ...task, config: { image_path: '/home/u/x.img', args: ['-S'] } });
    const relative = { name: 'a', config: { image_path: 'x.img' } };
    expect(expandHomeInTask(relative, '/home/u')).toBe(relative);
    for (const odd of [null, 'text', [], { name: 'a' }, { config: [] }, { config: { image_path: 5 } }]) expect(expandHomeInTask(odd, '/home/u')).toBe(odd);
  });
});
