// The process tier: whole processes. test/faults/: the program killed at every step of the write, concurrent runs,
// permissions, the fuzz run; test/processes/: the real cdk8s CLI, the compiled-bundle runner, what a fresh process loads
// when it imports the library. Slower than the unit tier (each case starts processes), so it runs as
// `npm run test:processes`, in CI too.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = { ...base, roots: ['<rootDir>/test/faults', '<rootDir>/test/processes'], testPathIgnorePatterns: [], collectCoverage: false, coverageThreshold: undefined, testTimeout: 180_000 };
