/** `qtrust hash --tag TAG [FILE|-]`: the domain-separated SHA-256 of a file's bytes. */
import { bytesToHex } from '../../../src-shared/bytes.js';
import { TAGS, atag, hashTagged, type Tag } from '../../../src-shared/hash.js';
import { nodeHashes } from '../../crypto/node-backend.js';
import { EXIT } from '../context.js';
import { readInput, stringOption } from '../input.js';
import type { CommandSpec } from '../registry.js';

/** A registered tag by name (`file`) or by tag string (`qtrust/file/v1`). */
export function resolveTag(value: string): Tag {
  return Object.hasOwn(TAGS, value) ? TAGS[value as keyof typeof TAGS] : atag(value, '--tag');
}

export const hashCommand: CommandSpec = {
  name: ['hash'],
  summary: 'print the domain-separated SHA-256 of a file (hex)',
  usage: 'hash --tag TAG [FILE|-]',
  description: `Computes H(tag, bytes) = SHA-256(u8(len(tag)) || tag || u64be(len(bytes)) || bytes) over the
file's bytes exactly as they are (no canonicalization: pipe through 'qtrust canon' for that).
TAG is a registered tag name or tag string: ${Object.entries(TAGS)
    .map(([k, v]) => `${k} (${v})`)
    .join(', ')}.
Prints the digest as lowercase hex and a newline; --json prints {"tag","sha256"}.`,
  options: {
    tag: {
      type: 'string',
      value: 'TAG',
      description: 'hash tag: a registered name (file) or tag (qtrust/file/v1)',
    },
  },
  positionals: { min: 0, max: 1 },
  json: true,
  async run(ctx) {
    const tag = resolveTag(stringOption(ctx.values, 'tag', 'qtrust hash'));
    const input = await readInput(ctx, ctx.positionals[0], 'qtrust hash');
    const sha256 = bytesToHex(hashTagged(tag, input.bytes, nodeHashes));
    ctx.stdout(ctx.json ? `${JSON.stringify({ tag, sha256 })}\n` : `${sha256}\n`);
    return EXIT.ok;
  },
};
