// The fault tier: real processes killed at every step of the write, concurrent runs, permissions, and the fuzz run.
// Slower than the unit tier (each case starts the program), so it runs as `npm run test:faults`, in CI too.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = { ...base, roots: ['<rootDir>/test/faults'], testPathIgnorePatterns: [], collectCoverage: false, coverageThreshold: undefined, testTimeout: 180_000 };
