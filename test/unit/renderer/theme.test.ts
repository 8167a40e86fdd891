// The theme decision: a preference resolved against the OS colour scheme.
import { describe, expect, it } from 'vitest';
import { resolveTheme } from '../../../src/renderer/src/lib/theme';

describe('resolveTheme', () => {
  it('system follows the OS; light and dark override it either way', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});
