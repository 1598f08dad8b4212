// The module boundaries of ARCHITECTURE.md are enforced by no-restricted-imports in eslint.config.js. This test
// lints a forbidden import "as if" it were a file in each folder (lintText with a filePath, so the per-folder
// globs apply and nothing is written to disk) and expects the boundary rule to report it; allowed imports must
// stay clean, so a rule that bans too much fails here as well.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const results = await eslint.lintText(code, { filePath: path.join(root, file) });
  return results.flatMap((r) => r.messages).filter((m) => m.severity === 2 && m.ruleId !== null && BOUNDARY_RULES.has(m.ruleId)).map((m) => m.message);
}

/** [file the import is planted in, the import statement] */
const FORBIDDEN: Array<[string, string]> = [
  // renderer -> electron/ (core or the Electron shell) or the 'electron' module
  ['renderer/src/__planted.ts', "import { createCore } from '../../electron/core/index';"],
  ['renderer/src/screens/payments/__planted.tsx', "import type { CoreDeps } from '../../../../electron/core/deps';"],
  ['renderer/src/__planted.ts', "export { openWindow } from '../../electron/window';"],
  ['renderer/src/__planted.ts', "import { ipcRenderer } from 'electron';"],
  ['renderer/src/__planted.ts', "const core = await import('../../electron/core/index');"],
  ['renderer/src/__planted.ts', "import { readFileSync } from 'node:fs';"],
  // shared -> electron/ (core) or renderer/
  ['shared/__planted.ts', "import { createCore } from '../electron/core/index';"],
  ['shared/contract/__planted.ts', "import type { AppError } from '../../electron/core/types';"],
  ['shared/__planted.ts', "import { useRpcQuery } from '../renderer/src/api/hooks';"],
  ['shared/contract/__planted.ts', "export * from '../../renderer/src/format/money';"],
  ['shared/__planted.ts', "import { app } from 'electron';"],
  ['shared/__planted.ts', "import path from 'path';"],
  // sandbox -> electron/ (core) or the 'electron' module
  ['sandbox/__planted.ts', "import { createCore } from '../electron/core/index';"],
  ['sandbox/stripe/__planted.ts', "import { mapStripeError } from '../../electron/core/gateways/errors';"],
  ['sandbox/__planted.ts', "import { app } from 'electron';"],
  ['sandbox/razorpay/__planted.ts', "import type { BrowserWindow } from 'electron/main';"],
  ['sandbox/__planted.ts', "const m = await import('../electron/core/index');"],
  // core -> sandbox/ or the 'electron' module
  ['electron/core/__planted.ts', "import { createSandbox } from '../../sandbox/index';"],
  ['electron/core/gateways/stripe/__planted.ts', "import { SandboxControl } from '../../../../sandbox/control';"],
  ['electron/core/__planted.ts', "const s = await import('../../sandbox/index');"],
  ['electron/core/__planted.ts', "import { app } from 'electron';"],
  ['electron/core/vault/__planted.ts', "import { safeStorage } from 'electron/main';"],
  // browser host -> the 'electron' module
  ['electron/browser-host/__planted.ts', "import { app } from 'electron';"],
  ['electron/browser-host/__planted.ts', "import { app } from 'electron/main';"],
];

/** Imports that cross no boundary: the rules must not catch them. */
const ALLOWED: Array<[string, string]> = [
  ['renderer/src/__planted.ts', "import { GATEWAY_LIMITS } from '../../shared/gateways';"],
  ['renderer/src/__planted.ts', "import { http } from './api/http';"],
  ['shared/__planted.ts', "import { z } from 'zod';"],
  ['sandbox/__planted.ts', "import { money } from '../shared/money';"],
  ['sandbox/stripe/__planted.ts', "import { type SandboxClock } from '../core/types';"],
  ['electron/core/__planted.ts', "import { sandboxDecision } from './sandbox-policy';"],
  ['electron/core/__planted.ts', "import { GATEWAY_LIMITS } from '../../shared/gateways';"],
  ['electron/main.ts', "import { createSandbox } from '../sandbox/index';\nimport { app } from 'electron';"],
  ['electron/browser-host/__planted.ts', "import { createSandbox } from '../../sandbox/index';"],
  ['electron/browser-host/__planted.ts', "import type { Configuration } from 'electron-builder';"],
];

describe('module boundaries (eslint.config.js)', () => {
  it.each(FORBIDDEN)('%s: %s is reported', async (file, code) => {
    expect(await boundaryErrors(file, `${code}\nexport {};\n`)).not.toEqual([]);
  });

  it.each(ALLOWED)('%s: %s is allowed', async (file, code) => {
    expect(await boundaryErrors(file, `${code}\nexport {};\n`)).toEqual([]);
  });

  it('contextBridge stays in preload.ts', async () => {
    expect(await boundaryErrors('electron/window.ts', "import { contextBridge } from 'electron';\nexport {};\n")).not.toEqual([]);
    expect(await boundaryErrors('electron/preload.ts', "import { contextBridge } from 'electron';\nexport {};\n")).toEqual([]);
  });
});
