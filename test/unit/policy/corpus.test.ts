/** Runs every file of test/policy-corpus/ (the Cedar integration-test style corpus) through runCorpusFile. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src-shared/canonical.js';
import { runCorpusFile } from '../../../src-shared/policy/index.js';

const ROOT = join(import.meta.dirname, '../../policy-corpus');

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : f.endsWith('.json') ? [p] : [];
    });
}

const all = files(ROOT);

describe('policy corpus', () => {
  it('has case groups', () => {
    expect(all.length).toBeGreaterThan(30);
  });
  for (const file of all) {
    it(relative(ROOT, file), () => {
      const results = runCorpusFile(parseJson(readFileSync(file, 'utf8')));
      expect(results.length).toBeGreaterThan(0);
      for (const r of results)
        expect({ name: r.name, failures: r.failures }).toEqual({ name: r.name, failures: [] });
    });
  }
});
