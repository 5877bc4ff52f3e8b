import { defineConfig } from 'vitest/config'

// Three projects: pure logic runs in parallel; engine tests share one private engine, so they
// run one file at a time; the fault suite too.
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
      {
        // The fault suite (npm run test:faults): engines killed, stalled and refused, racing
        // runs, fuzzed payloads. Each file starts private engines of its own: one at a time.
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          environment: 'node',
          env: CHECKED,
          fileParallelism: false,
          // After the unit and engine projects: its time bounds are not measured beside them.
          sequence: { groupOrder: 1 },
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
})
