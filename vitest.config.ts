import { defineConfig } from 'vitest/config';

// Three projects, chosen by folder so tests never move to change project:
//   unit         fast, in-process: `npm run test:unit` (well under a minute)
//   integration  real cores, the sandbox, child processes, workers, both transports, security, both engines
//   e2e          Playwright driving browser mode in Chromium
//   postgres     the engine-neutral suites again, with every core on a PostgreSQL database (test/fixtures/test-store.ts)
// `npm test` (scripts/test.mjs) runs all three.
// Suites whose behaviour does not depend on the engine, run on both: the contract, refunds, reports, the webhook flow.
const ON_BOTH_ENGINES = [
  'test/contract/every-method.test.ts',
  'test/unit/core/refunds/refunds.test.ts',
  'test/unit/core/reports/{summary,settlements,manual-payouts}.test.ts',
  'test/integration/webhooks-flow.test.ts',
];

const SLOW_UNIT = [
  // SIGKILLs a child process mid-load and restarts it
  'test/unit/core/webhooks/crash.test.ts',
  // a real worker thread writing real files, case after case
  'test/unit/core/reports/{export,export-worker}.test.ts',
  // whole flows through a real core against the sandbox, seconds per file (scrypt, backups, CLI processes)
  'test/unit/core/backup/*.test.ts',
  'test/unit/core/refunds/*.test.ts',
  'test/unit/core/{accounts,operators,accounts-return-pages}.test.ts',
  'test/unit/core/payments/{links,search,sync}.test.ts',
  'test/unit/core/reports/{summary,settlements}.test.ts',
  'test/unit/core/api/{merchant-api,merchant-api-semantics,openapi,razorpay-verify}.test.ts',
  'test/unit/core/tunnel/stripe-endpoint.test.ts',
  // each starts its own PostgreSQL cluster (initdb + pg_ctl), some a child process too
  'test/migrations/pg-*.test.ts',
];

export default defineConfig({
  test: {
    exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/migrations/**/*.test.ts', 'test/lint/**/*.test.ts', 'sandbox/**/*.test.ts'],
          exclude: ['node_modules/**', 'dist/**', ...SLOW_UNIT],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/contract/**/*.test.ts', 'test/store/**/*.test.ts', 'test/security/**/*.test.ts', 'test/property/**/*.test.ts', 'test/integration/**/*.test.ts', ...SLOW_UNIT],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ON_BOTH_ENGINES,
          env: { PAYDESK_TEST_STORE: 'postgres' },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
        },
      },
    ],
  },
});
