import { defineConfig } from '@playwright/test'
import { chromiumPath } from './tests/e2e/support/browser'

// Debian's Chromium, not Playwright's download (which cannot be fetched on these machines).
// The flags keep it from reaching for Google's services on a closed network.
export default defineConfig({
  testDir: 'tests',
  outputDir: 'test-results',
  reporter: [['list']],
  workers: 1,
  timeout: 60_000,
  projects: [
    { name: 'browser', testDir: 'tests/e2e' },
    // Skips itself, with the reason, where the Electron runtime is absent.
    { name: 'electron', testDir: 'tests/electron' },
  ],
  use: {
    browserName: 'chromium',
    viewport: { width: 1180, height: 780 },
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
})
