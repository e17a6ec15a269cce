/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // One worker per core: jest's default leaves one core to itself, which on the 2-core CI machines means one worker
  // (npm test measured 34.8 s with one worker, 25.9 s with two; scripts/bench and the issue-12 note).
  maxWorkers: '100%',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The process tier starts whole processes: jest.processes.config.js, `npm run test:processes`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/', '<rootDir>/test/processes/'],
  // tsconfig's isolatedModules makes ts-jest transpile only (about 2.5x faster); `npm run typecheck` runs tsc once.
  transform: { '^.+\\.ts$': 'ts-jest' },
  // index files only re-export (their getters count as functions); cli-main is the process wiring the consumer test runs.
  collectCoverageFrom: ['lib/**/*.ts', 'main.ts', '!lib/index.ts', '!lib/gate/index.ts', '!lib/program/cli-main.ts'],
  coverageThreshold: { global: { lines: 90, statements: 90, functions: 90, branches: 80 } },
  coverageReporters: ['text-summary'],
};
