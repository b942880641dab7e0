// Bundles the qtrust CLI (src-main/cli) into out/cli/qtrust.mjs so that `npx qtrust`
// works right after `npm ci` on Node 20, which cannot run TypeScript by itself.
// Dependencies stay external: they are resolved from node_modules at run time.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src-main/cli/main.ts');
if (!existsSync(entry)) {
  console.log('build-cli: no CLI entry yet, nothing to build');
  process.exit(0);
}
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // Installed without devDependencies (npm ci --omit=dev): the bin falls back to a prebuilt bundle.
  console.log('build-cli: esbuild not installed, skipping CLI build');
  process.exit(0);
}
await esbuild.build({
  entryPoints: { qtrust: entry, ...workerEntries() },
  outdir: join(root, 'out/cli'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __qtCreateRequire } from 'node:module'; const require = __qtCreateRequire(import.meta.url);",
  },
});

function workerEntries() {
  // Worker-thread entry points are listed here so the CLI can spawn them from its own bundle folder.
  const workers = {};
  for (const [name, rel] of [
    ['verify-worker', 'src-main/evidence/verify-worker.ts'],
    ['evidence-writer', 'src-main/evidence/evidence-writer.ts'],
  ]) {
    const p = join(root, rel);
    if (existsSync(p)) workers[name] = p;
  }
  return workers;
}
