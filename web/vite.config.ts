import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// One static build, two entry points: the portal at `/` and the admin page at `/admin/`.
// `make dev` serves `dist/` from the local server, which also answers `/api`.
export default defineConfig({
  plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false })],
  build: {
    target: 'es2022',
    sourcemap: false,
    cssCodeSplit: true,
    modulePreload: { polyfill: false },
    rollupOptions: { input: { portal: here('./index.html'), admin: here('./admin/index.html') } },
  },
  server: {
    proxy: { '/api': 'http://localhost:3000', '/dev': 'http://localhost:3000', '/config.json': 'http://localhost:3000' },
  },
});
