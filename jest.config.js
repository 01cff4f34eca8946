/** One jest run for the whole monorepo: every package's tests, one summary. */
// `@skipconn/*` resolve to the TypeScript sources, so tests need no build; the built packages
// are tested as users install them (tools/consumer).
const { workspaceModuleNameMapper } = require('./tools/build/workspace-sources.cjs');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/tools'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    // Type checking is done once by `npm run typecheck`; jest only transpiles.
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.base.json' }],
  },
  moduleNameMapper: workspaceModuleNameMapper(),
  modulePathIgnorePatterns: ['<rootDir>/packages/[^/]+/dist/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
};
