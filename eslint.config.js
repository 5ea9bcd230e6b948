// Lint: ESLint's and typescript-eslint's recommended rules, plus the project's own few.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // the control plane runs in Electron's main process too: it must never import electron
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['electron/control-plane/**/*.ts', 'electron/server/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The control plane, the server and shared/ run without Electron: keep electron imports in electron/main.ts, preload.ts and electron/window/.' }] }],
    },
  },
);
