// ESLint flat config. The import bans enforce the process boundary of ARCHITECTURE.md:
// only the files directly in electron/ may import 'electron'; renderer/ and shared/ import no node:* builtins.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'worker_threads', 'url', 'stream', 'events', 'util', 'zlib', 'buffer'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'coverage/**', '**/*.sarif'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['electron/core/**', 'electron/browser-host/**', 'sandbox/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'core, browser-host and sandbox are plain Node: inject Electron primitives from electron/*.ts instead.' }] }],
    },
  },
  {
    files: ['electron/*.ts'],
    ignores: ['electron/preload.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "ImportSpecifier[imported.name='contextBridge']", message: 'Only preload.ts may use contextBridge.' }],
    },
  },
  {
    files: ['renderer/**', 'shared/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'electron', message: 'The renderer and shared code never import electron.' },
          // bare builtin names as exact paths: a pattern would also match relative files such as './http'
          ...nodeBuiltins.filter((n) => !n.includes('*')).map((name) => ({ name, message: 'The renderer and shared code never import Node builtins.' })),
        ],
        patterns: [{ group: ['node:*'], message: 'The renderer and shared code never import Node builtins.' }],
      }],
    },
  },
);
