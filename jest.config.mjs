// Unit tests and Docker-backed integration tests share one config; integration suites
// check for a daemon themselves and only skip (loudly) outside CI.
export default {
  testEnvironment: 'node',
  testMatch: ['**/__tests__/**/*.test.ts'],
  clearMocks: true,
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 120000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
  collectCoverageFrom: ['src/**/*.ts', '!src/index.ts']
}
