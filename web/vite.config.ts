import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// One static build: the portal at `/` (the admin page joins as a second entry point later).
// `make dev` serves `dist/` from the local server, which also answers `/api`.
export default defineConfig({
  plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false })],
  build: {
    target: 'es2022',
    sourcemap: false,
    cssCodeSplit: true,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': 'http://localhost:3000', '/dev': 'http://localhost:3000', '/config.json': 'http://localhost:3000' },
  },
});
