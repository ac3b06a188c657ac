// Initial JavaScript of the built UI: the entry script and every chunk index.html preloads,
// plus their static imports, gzipped. Run after `npm run build`: node measure-bundle.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('./dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entries = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const seen = new Set();
const queue = [...entries];
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  seen.add(file);
  const code = readFileSync(join(dist, file), 'utf8');
  // Static imports only (`import … from "./x.js"`); dynamic import() chunks load later.
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) queue.push(`assets/${m[1]}`);
}
let raw = 0;
let gz = 0;
for (const file of seen) {
  const buf = readFileSync(join(dist, file));
  const size = gzipSync(buf, { level: 9 }).length;
  raw += buf.length;
  gz += size;
  console.log(`${file.padEnd(48)} ${(buf.length / 1024).toFixed(1).padStart(8)} KB  gzip ${(size / 1024).toFixed(1).padStart(7)} KB`);
}
console.log(`initial JS: ${(raw / 1024).toFixed(1)} KB, gzip ${(gz / 1024).toFixed(1)} KB (budget 250 KB)`);
if (gz > 250 * 1024) process.exitCode = 1;
