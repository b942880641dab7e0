/**
 * `npm run bench`: runs every benchmark in bench/ (files named *.bench.ts), or only those whose
 * name contains one of the arguments (`npm run bench -- canonical sign`).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
console.log(`# Q-Trust benchmarks (node ${process.version}, ${new Date().toISOString()})`);
for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: () => Promise<void> | void };
  if (typeof mod.default !== 'function') throw new Error(`${f} must export a default function`);
  await mod.default();
}
