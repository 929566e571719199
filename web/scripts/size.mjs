// Gzipped JavaScript of each built entry: the first route (what its HTML loads) and all of it.
// Budget (DESIGN.md §9, for the portal): <= 35 KB first route, <= 50 KB in all; the admin page
// is held to the same numbers.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const entries = [
  ['portal', 'index.html'],
  ['admin', 'admin/index.html'],
];
let failed = false;
console.log('| entry | first route JS (gzip) | all JS (gzip) | budget 35 / 50 KB |');
console.log('|---|---|---|---|');
const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js')).reduce((s, f) => s + gz(`assets/${f}`), 0);
for (const [name, html] of entries) {
  const page = readFileSync(join(dist, html), 'utf8');
  const first = [...page.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].reduce((s, m) => s + gz(m[1]), 0);
  const ok = first <= 35 * 1024 && all <= 50 * 1024;
  failed ||= !ok;
  console.log(`| ${name} | ${kb(first)} | ${kb(all)} | ${ok ? 'ok' : 'OVER'} |`);
}
process.exitCode = failed ? 1 : 0;
