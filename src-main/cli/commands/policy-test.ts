/** `qtrust policy test`: run a corpus of (policy, request, expected decision) cases and report mismatches. */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { QtError, isQtError } from '../../../src-shared/errors.js';
import { runCorpusFile } from '../../../src-shared/policy/index.js';
import { ioError } from '../../io/read-file.js';
import { readJsonFile } from '../../keys/keyfile.js';
import { EXIT } from '../context.js';
import type { CommandSpec } from '../registry.js';

const MAX_CORPUS_FILE_BYTES = 64 * 1024 * 1024;
const MAX_CORPUS_FILES = 100_000;
const MAX_DEPTH = 16;

interface FileReport {
  file: string;
  cases: { name: string; ok: boolean; failures: readonly string[] }[];
  /** The file itself could not be run (unreadable, not JSON, not the corpus format). */
  error?: { code: string; message: string; path?: string };
}

/** Every *.json under `dir` (recursively, symbolic links not followed), sorted by path. */
async function corpusFiles(dir: string, depth = 0, out: string[] = []): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw ioError(err, dir);
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, e.name);
    if (e.isDirectory() && depth < MAX_DEPTH) await corpusFiles(path, depth + 1, out);
    else if (e.isFile() && e.name.endsWith('.json')) out.push(path);
    if (out.length > MAX_CORPUS_FILES) {
      throw new QtError('QT_RANGE', `more than ${MAX_CORPUS_FILES} corpus files under ${dir}`, { path: dir });
    }
  }
  return out;
}

export const policyTestCommand: CommandSpec = {
  name: ['policy', 'test'],
  summary: 'run a policy corpus (policy, requests, expected decisions) and report each mismatch',
  usage: 'policy test [--json] CORPUS_DIR',
  description: `Runs every *.json file under CORPUS_DIR (recursively) in the corpus format of
src-shared/policy/corpus.ts (test/policy-corpus/ is an example): each file holds a policy and cases
of a request with the expected decision, deciding rules and errors. Prints one line per mismatch and
a summary. Exit 0 when every case passes, 1 on any mismatch, 2 when a file cannot be run (not JSON,
not the corpus format) or CORPUS_DIR holds no corpus file.
--json prints {"ok","passed","failed","files":[{"file","cases":[{"name","ok","failures"}],"error"?}]}.`,
  options: {},
  positionals: { min: 1, max: 1 },
  json: true,
  async run(ctx) {
    const dir = ctx.positionals[0] as string;
    const files = await corpusFiles(dir);
    const reports: FileReport[] = [];
    for (const path of files) {
      const file = relative(dir, path);
      try {
        const json = await readJsonFile(path, MAX_CORPUS_FILE_BYTES, 'QT_CORPUS_INVALID');
        reports.push({ file, cases: runCorpusFile(json).map((r) => ({ ...r })) });
      } catch (e) {
        if (!isQtError(e)) throw e;
        reports.push({
          file,
          cases: [],
          error: { code: e.code, message: e.message, ...(e.path === undefined ? {} : { path: e.path }) },
        });
      }
    }
    const all = reports.flatMap((r) => r.cases);
    const failed = all.filter((c) => !c.ok).length;
    const broken = reports.filter((r) => r.error !== undefined).length;
    const ok = failed === 0 && broken === 0 && reports.length > 0;
    if (ctx.json) {
      ctx.stdout(`${JSON.stringify({ ok, passed: all.length - failed, failed, files: reports })}\n`);
    } else {
      for (const r of reports) {
        if (r.error !== undefined) {
          ctx.stdout(
            `ERROR ${r.file}: ${r.error.code}: ${r.error.message}${r.error.path === undefined ? '' : ` (at ${r.error.path})`}\n`,
          );
        }
        for (const c of r.cases) {
          if (!c.ok) for (const f of c.failures) ctx.stdout(`FAIL  ${r.file}: ${c.name}: ${f}\n`);
        }
      }
      ctx.stdout(
        `${all.length - failed} passed, ${failed} failed, ${reports.length} file${reports.length === 1 ? '' : 's'}` +
          `${broken > 0 ? `, ${broken} could not be run` : ''}\n`,
      );
      if (reports.length === 0)
        ctx.stderr(`qtrust: error QT_CORPUS_INVALID: no *.json corpus file under ${dir}\n`);
    }
    if (broken > 0 || reports.length === 0) return EXIT.usage;
    return failed > 0 ? EXIT.verifyFailed : EXIT.ok;
  },
};
