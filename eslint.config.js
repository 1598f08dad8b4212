// ESLint flat config. The import bans enforce the process and module boundaries of ARCHITECTURE.md:
// - only the files directly in electron/ may import 'electron';
// - renderer/ and shared/ import no node:* builtins;
// - renderer/ reaches core only through the transport, so it imports nothing from electron/;
// - shared/ is imported by both sides, so it imports neither electron/ nor renderer/;
// - the sandbox is a separate program standing in for the gateways, so it imports nothing from electron/, and core
//   reaches it only through gateway base URLs, so electron/core imports nothing from sandbox/.
// test/lint/boundaries.test.ts plants each forbidden import and expects these rules to report it.
// Flat config replaces (does not merge) a rule's options when two blocks match one file, so each folder gets ONE
// no-restricted-imports block carrying every ban that applies to it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'worker_threads', 'url', 'stream', 'events', 'util', 'zlib', 'buffer'];

// The package and its subpaths ('electron/main', 'electron/renderer').
const electronModule = (who) => ({ regex: '^electron(/.*)?$', message: `${who} never import 'electron': inject Electron primitives from electron/*.ts instead.` });

// Relative paths cannot be resolved here (and no path aliases exist), so a folder is recognised by its name as a
// whole segment of a relative path: '../../electron/core/index' matches, './sandbox-policy' and the package
// 'electron/main' (electronModule's job) do not.
const segment = (folder) => `^\\.{1,2}/(.*/)?${folder}(/.*)?$`;

/** `import()` is not checked by no-restricted-imports; the same bans for dynamic imports (\x2F is '/', which esquery cannot hold). */
const dynamicImportBan = (folders, message) =>
  folders.map((folder) => ({ selector: `ImportExpression[source.value=/(^|\\x2F)${folder}(\\x2F|$)/]`, message }));

const noNodeBuiltins = (who) => ({
  // bare builtin names as exact paths: a pattern would also match relative files such as './http'
  paths: nodeBuiltins.map((name) => ({ name, message: `${who} never import Node builtins.` })),
  patterns: [{ group: ['node:*'], message: `${who} never import Node builtins.` }],
});

const RENDERER_MSG = 'The renderer reaches core only through the transport (renderer/src/api): nothing from electron/.';
const SHARED_ELECTRON_MSG = 'shared/ is imported by core and the renderer alike: nothing from electron/.';
const SHARED_RENDERER_MSG = 'shared/ is imported by core and the renderer alike: nothing from renderer/.';
const SANDBOX_MSG = 'The sandbox stands in for the gateways and runs as its own program: nothing from electron/.';
const CORE_SANDBOX_MSG = 'Core reaches the sandbox only through gateway base URLs and its HTTP control API: nothing from sandbox/.';

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
    files: ['electron/core/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [electronModule('Core files'), { regex: segment('sandbox'), message: CORE_SANDBOX_MSG }],
      }],
      'no-restricted-syntax': ['error', ...dynamicImportBan(['sandbox'], CORE_SANDBOX_MSG)],
    },
  },
  {
    files: ['electron/browser-host/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [electronModule('Browser-host files')] }],
    },
  },
  {
    files: ['sandbox/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [electronModule('Sandbox files'), { regex: segment('electron'), message: SANDBOX_MSG }],
      }],
      'no-restricted-syntax': ['error', ...dynamicImportBan(['electron'], SANDBOX_MSG)],
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
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: noNodeBuiltins('Renderer files').paths,
        patterns: [electronModule('Renderer files'), ...noNodeBuiltins('Renderer files').patterns, { regex: segment('electron'), message: RENDERER_MSG }],
      }],
      'no-restricted-syntax': ['error', ...dynamicImportBan(['electron'], RENDERER_MSG)],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: noNodeBuiltins('Shared files').paths,
        patterns: [
          electronModule('Shared files'),
          ...noNodeBuiltins('Shared files').patterns,
          { regex: segment('electron'), message: SHARED_ELECTRON_MSG },
          { regex: segment('renderer'), message: SHARED_RENDERER_MSG },
        ],
      }],
      'no-restricted-syntax': ['error', ...dynamicImportBan(['electron'], SHARED_ELECTRON_MSG), ...dynamicImportBan(['renderer'], SHARED_RENDERER_MSG)],
    },
  },
);
