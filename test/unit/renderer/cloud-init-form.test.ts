// The Cloud-init section's pure core: fields read from a loaded block, edits written back, the rest kept.
import { describe, expect, it } from 'vitest';
import { cloudInitFields, patchCloudInit } from '../../../src/renderer/src/lib/cloud-init-form';

describe('cloud-init form fields', () => {
  const loaded = { hostname: 'web-1', user_data: '#cloud-config\nruncmd: []\n', ssh_authorized_keys: ['ssh-ed25519 A a@b', 'ssh-rsa B c@d'], meta_data: 'x: 1\n', ssh_port: 'admin' };

  it('reads hostname, inline user-data and the keys (one per line)', () => {
    expect(cloudInitFields(loaded)).toEqual({ hostname: 'web-1', userData: '#cloud-config\nruncmd: []\n', sshKeys: 'ssh-ed25519 A a@b\nssh-rsa B c@d' });
    expect(cloudInitFields(undefined)).toEqual({ hostname: '', userData: '', sshKeys: '' });
  });

  it('names a user-data file instead of editing it', () => {
    expect(cloudInitFields({ user_data: { file: 'seed/user-data.yaml' } })).toMatchObject({ userData: '', userDataFile: 'seed/user-data.yaml' });
  });

  it('writes edits back and keeps what the section does not edit', () => {
    const b = patchCloudInit(loaded, { hostname: ' web-2 ', sshKeys: '\n ssh-ed25519 C e@f \n\n' });
    expect(b).toEqual({ ...loaded, hostname: 'web-2', ssh_authorized_keys: ['ssh-ed25519 C e@f'] });
    expect(loaded.hostname).toBe('web-1');
  });

  it('removes a key whose field is emptied (so vmdesk generates a key, and the image keeps its hostname)', () => {
    const b = patchCloudInit(loaded, { hostname: '', sshKeys: '  ', userData: '' });
    expect(b).toEqual({ meta_data: 'x: 1\n', ssh_port: 'admin' });
  });

  it('leaves a user-data file alone when only other fields change', () => {
    expect(patchCloudInit({ user_data: { file: 'u.yaml' } }, { hostname: 'h' })).toEqual({ user_data: { file: 'u.yaml' }, hostname: 'h' });
  });
});
