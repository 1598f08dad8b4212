#!/usr/bin/env node
// The one test command (README: `npm install && npm test`). Runs every check CI runs, in order,
// and ends with a plain "N passed, N failed" line. Exits non-zero on the first failing stage.
// A skipped or todo test fails the run unless test/allowed-skips.json names it with a reason: a sandbox
// that fails to import turns whole suites into skips, and a green run must not hide that.
// `--tests-only [vitest args]` runs only the vitest stage (with the skip check), e.g. on one file.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { relative } from 'node:path';

const ALLOW_LIST = 'test/allowed-skips.json';
const REPORT = 'test-results/vitest.json';
const testsOnly = process.argv[2] === '--tests-only';
const vitestArgs = testsOnly ? process.argv.slice(3) : [];

const stages = [
  ['browser for end-to-end tests', 'node', ['scripts/ensure-chromium.mjs']],
  ['lint', 'npx', ['eslint', '.', '--max-warnings=0']],
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['build', 'node', ['scripts/build.mjs', '--quiet']],
  ['electron security scan', 'node', ['scripts/electronegativity.mjs']],
  ['tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${REPORT}`, ...vitestArgs]],
].filter(([name]) => !testsOnly || name === 'tests');

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
process.exit(summarize());

/** Prints the closing line; returns the exit code (1 when a test failed or skipped without a listed reason). */
function summarize() {
  let j;
  try {
    j = JSON.parse(readFileSync(REPORT, 'utf8'));
  } catch {
    console.log('\n0 passed, 1 failed');
    return 1;
  }
  const { allowed, unlisted } = sortSkips(j, readAllowList());
  if (unlisted.length > 0) {
    console.log(`\n${unlisted.length} test(s) skipped without a reason in ${ALLOW_LIST} (each counts as failed):`);
    for (const name of unlisted) console.log(`  - ${name}`);
  }
  // a file that fails to load has no failed test, only a failed file: count it, or the line would say 0 failed
  const brokenFiles = j.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((t) => t.status === 'failed')).length;
  const failed = j.numFailedTests + brokenFiles + unlisted.length;
  console.log(`\n${j.numPassedTests} passed, ${failed} failed${allowed ? `, ${allowed} skipped` : ''}`);
  return failed > 0 || !j.success ? 1 : 0;
}

/** test full name ("<file> > <describe> > <test>") or a describe's prefix of it → why it may be skipped */
function readAllowList() {
  const list = JSON.parse(readFileSync(ALLOW_LIST, 'utf8'));
  for (const [name, reason] of Object.entries(list)) {
    if (typeof reason !== 'string' || reason.trim().length < 10) throw new Error(`${ALLOW_LIST}: "${name}" needs a reason (a sentence)`);
  }
  return list;
}

function sortSkips(report, allowList) {
  const keys = Object.keys(allowList);
  const isAllowed = (full) => keys.some((k) => full === k || full.startsWith(`${k} > `));
  let allowed = 0;
  const unlisted = [];
  for (const file of report.testResults) {
    const path = relative(process.cwd(), file.name).split('\\').join('/');
    for (const t of file.assertionResults) {
      if (t.status === 'passed' || t.status === 'failed') continue;
      const full = [path, ...t.ancestorTitles, t.title].join(' > ');
      if (isAllowed(full)) allowed++;
      else unlisted.push(`${full} (${t.status})`);
    }
  }
  return { allowed, unlisted };
}
