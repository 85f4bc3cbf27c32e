import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    // Every core: the level audits train for minutes each, and vitest's default leaves one idle.
    maxWorkers: availableParallelism(),
  },
});
