import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, requireChromium } from './scripts/chromium.mjs';

// End-to-end tests. Playwright cannot download its own browser here, so every run drives the
// Chromium that scripts/chromium.mjs finds (Debian's package on our machines). The renderer is
// built first (`npm run build`) and served over http://127.0.0.1 by a fixture (tests/e2e/fixtures.ts).
export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  forbidOnly: Boolean(process.env['CI']),
  retries: 0,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: requireChromium(), args: [...CHROMIUM_ARGS] },
  },
  projects: [{ name: 'chromium' }],
});
