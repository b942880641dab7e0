/**
 * Browser end-to-end tests with Debian's Chromium (never `npx playwright install`: it downloads).
 * `npx electron-vite build && npx playwright test`.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/',
  reporter: 'list',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  forbidOnly: true,
  use: {
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
