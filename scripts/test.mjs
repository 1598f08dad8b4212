#!/usr/bin/env node
// The one test command (README: `npm install && npm test`). Runs every check CI runs, in order,
// and ends with a plain "N passed, N failed" line. Exits non-zero on the first failing stage.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';

const stages = [
  ['browser for end-to-end tests', 'node', ['scripts/ensure-chromium.mjs']],
  ['lint', 'npx', ['eslint', '.', '--max-warnings=0']],
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['build', 'node', ['scripts/build.mjs', '--quiet']],
  ['electron security scan', 'node', ['scripts/electronegativity.mjs']],
  ['tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json']],
];

mkdirSync('test-results', { recursive: true });
for (const [name, cmd, args] of stages) {
  const started = Date.now();
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, CI: process.env.CI ?? '' } });
  console.log(`== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) {
    if (name === 'tests') summarize();
    process.exit(r.status ?? 1);
  }
}
summarize();

function summarize() {
  try {
    const j = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
    const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
    console.log(`\n${j.numPassedTests} passed, ${j.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
  } catch {
    console.log('\n0 passed, 1 failed');
  }
}
