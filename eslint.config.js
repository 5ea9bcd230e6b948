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
  {
    // the desktop shell's modules take Electron's objects as small interfaces, so tests run them under Node
    files: ['electron/app/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'electron/app/ is written against injected interfaces (ipcMain-like, safeStorage-like): only electron/main.ts and preload.ts import electron.' }] }],
    },
  },
  {
    // The renderer runs under a CSP without eval: zod (which probes `new Function`) must not reach
    // its bundle. It imports only types from the schema modules.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: 'zod is not for the renderer: its eval probe breaks the CSP.' }],
          patterns: [
            { regex: '/shared/(api|rollout)\\.ts$', allowTypeImports: true, message: 'Import only types from the schema modules in the renderer (zod must stay out of its bundle); plain values live in zod-free shared modules.' },
            // the page knows the app through the contract alone (the bridge's shape is shared/bridge.ts)
            { regex: '(^|/)electron/', message: 'The renderer imports only from shared/ and itself: put what it needs of the app in shared/.' },
          ],
        },
      ],
    },
  },
);
