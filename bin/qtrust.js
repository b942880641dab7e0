#!/usr/bin/env node
// The qtrust CLI. The TypeScript sources are bundled by `npm run build:cli` (run by `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'cli', 'qtrust.mjs');
if (!existsSync(bundle)) {
  process.stderr.write(
    'qtrust: the CLI is not built yet; run `npm run build:cli` (npm ci runs it for you)\n',
  );
  process.exit(2);
}
await import(pathToFileURL(bundle).href);
