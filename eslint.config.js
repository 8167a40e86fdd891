// ESLint: TypeScript rules plus the layering rules of DESIGN.md.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'crypto', 'url', 'util', 'events', 'stream'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // electron-builder hooks are CommonJS (electron-builder requires them).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // shared: types, contract, limits. Runs in the renderer too: no electron, no node builtins.
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', ...nodeBuiltins, '**/main/**', '**/renderer/**', '**/cli/**'], message: 'src/shared imports neither electron, node:* nor other layers' }] },
      ],
    },
  },
  {
    // renderer talks only to window.api: never to main, never to electron or node.
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', ...nodeBuiltins, '**/main/**', '**/cli/**', '**/preload/**'], message: 'the renderer never imports main, preload, electron or node' }] },
      ],
    },
  },
  {
    // Only src/main/index.ts, src/main/window*.ts and src/main/ipc/ import electron.
    files: ['src/main/**', 'src/cli/**'],
    ignores: ['src/main/index.ts', 'src/main/window/**', 'src/main/ipc/**', 'src/main/app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', 'electron-store', '**/renderer/**'], message: 'driver, qmp, supervisor, store and cli run under plain Node: no electron' }] },
      ],
    },
  },
);
