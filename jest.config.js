/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  globalSetup: '<rootDir>/test/integration/global-setup.mjs',
  globalTeardown: '<rootDir>/test/integration/global-teardown.mjs',
  setupFiles: ['<rootDir>/test/setup-env.js'],
  // Stamps the results with the Node that ran them, for the summary line (`--json --outputFile`).
  testResultsProcessor: '<rootDir>/scripts/test-summary.js',
  testTimeout: 60000,
};
