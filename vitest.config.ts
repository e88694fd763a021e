import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Resolve `graphql` as Node does (its CommonJS entry), so test files and the libraries they load
    // share one copy; Vite would otherwise pick graphql's .mjs build for our sources only.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration files start their own servers on port 0, so files can run in parallel.
    pool: 'forks',
  },
});
