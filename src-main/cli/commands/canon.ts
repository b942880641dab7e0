/** `qtrust canon [FILE|-]`: the RFC 8785 canonical form of a JSON document. */
import { canonicalBytes, parseJsonBytes } from '../../../src-shared/canonical.js';
import { QtError, isQtError } from '../../../src-shared/errors.js';
import { EXIT } from '../context.js';
import { readInput } from '../input.js';
import type { CommandSpec } from '../registry.js';

export const canonCommand: CommandSpec = {
  name: ['canon'],
  summary: 'print the RFC 8785 canonical form of a JSON document',
  usage: 'canon [FILE|-]',
  description: `Parses the document strictly (duplicate keys, lone surrogates, unsafe integers and excessive
depth are refused) and writes its canonical form to stdout with NO trailing newline, so that
'qtrust canon doc.json | qtrust hash --tag json' hashes exactly the canonical bytes.`,
  options: {},
  positionals: { min: 0, max: 1 },
  json: false,
  async run(ctx) {
    const input = await readInput(ctx, ctx.positionals[0], 'qtrust canon');
    let out: Uint8Array;
    try {
      out = canonicalBytes(parseJsonBytes(input.bytes));
    } catch (e) {
      if (isQtError(e))
        throw new QtError(e.code, `${input.name}: ${e.message}`, { path: e.path ?? '$', cause: e });
      throw e;
    }
    ctx.stdout(out);
    return EXIT.ok;
  },
};
