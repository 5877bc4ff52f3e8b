import { defineConfig } from 'vitest/config'

// Two projects: pure logic runs in parallel; engine tests share one private engine, so they
// run one file at a time.
/** Every answer of the service is parsed with its response schema (src/core/dispatch.ts). */
const CHECKED = { DRYDOCK_CHECK_RESPONSES: '1' }

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          env: CHECKED,
        },
      },
      {
        test: {
          name: 'engine',
          include: ['tests/engine/**/*.test.ts'],
          environment: 'node',
          env: CHECKED,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
})
