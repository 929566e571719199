import { defineConfig } from 'vitest/config';

// Unit tests: pure logic (totals preview, API client), no browser.
export default defineConfig({
  test: { include: ['tests/**/*.test.ts'], environment: 'node' },
});
