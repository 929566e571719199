// Gzipped JavaScript of each built entry: the first route (what its HTML loads) and all of it.
// Budget (DESIGN.md §9, for the portal): <= 35 KB first route, <= 50 KB in all; the admin page
// is held to the same numbers.
import { readFileSync } from 'node:fs';
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
// Everything an entry can load: its first route's files and every chunk they import, however
// deep (a static `from "./x.js"` or a lazy `import("./x.js")`). The other entry's code is not
// the portal's: a customer never downloads the admin page.
const reach = (files) => {
  const seen = new Set(files);
  const todo = [...files];
  while (todo.length > 0) {
    const f = todo.pop();
    for (const m of readFileSync(join(dist, f), 'utf8').matchAll(/["'`]\.\/([^"'`]+\.js)["'`]/g)) {
      const next = `assets/${m[1]}`;
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return [...seen];
};
for (const [name, html] of entries) {
  const page = readFileSync(join(dist, html), 'utf8');
  const firstFiles = [...page.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const first = firstFiles.reduce((s, f) => s + gz(f), 0);
  const all = reach(firstFiles).reduce((s, f) => s + gz(f), 0);
  const ok = first <= 35 * 1024 && all <= 50 * 1024;
  failed ||= !ok;
  console.log(`| ${name} | ${kb(first)} | ${kb(all)} | ${ok ? 'ok' : 'OVER'} |`);
}
process.exitCode = failed ? 1 : 0;
