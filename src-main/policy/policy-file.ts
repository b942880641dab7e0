/**
 * Reading policy documents (and requests) from files: JSON, or YAML for hand-written policies.
 *
 * JSON goes through the core's strict parser (duplicate keys, lone surrogates, non-finite numbers
 * refused). YAML is read only in src-main and only as far as it maps one-to-one onto JSON
 * (docs/policy.md, "Command line"): anchors and aliases, explicit tags (`!!str`, `!custom`), keys
 * that are not plain strings, duplicate keys, non-finite numbers (`.inf`, `.nan`) and streams of
 * several documents are refused, so a YAML file can never mean something its JSON reading does
 * not, and the policy hash is the hash of exactly that JSON document.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { parseJsonBytes, type JsonValue } from '../../src-shared/canonical.js';
import { bytesToUtf8 } from '../../src-shared/bytes.js';
import { QtError, isQtError, type QtErrorCode } from '../../src-shared/errors.js';
import { readFileLimited } from '../io/read-file.js';

/** A policy of 10,000 rules at the core's limits stays well under this. */
export const MAX_POLICY_FILE_BYTES = 32 * 1024 * 1024;
/** Requests are bounded by the core's limits (1,000 context values of 1,024 characters). */
export const MAX_REQUEST_FILE_BYTES = 4 * 1024 * 1024;
/** YAML nesting refused beyond this (the core's own limits are far below). */
const MAX_YAML_DEPTH = 64;

export type DocumentFormat = 'json' | 'yaml';

/** `yaml` for .yaml/.yml files, else `json`: the format is chosen by name, never guessed from content. */
export function formatOf(name: string): DocumentFormat {
  return /\.ya?ml$/i.test(name) ? 'yaml' : 'json';
}

function pathKey(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Converts YAML text into a JSON value, refusing every YAML feature that has no JSON counterpart.
 * Failures are `code` with the JSON path of the node (and its line and column in the message).
 */
export function parseStrictYaml(text: string, name: string, code: QtErrorCode): JsonValue {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    schema: 'core',
    merge: false,
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter: lines,
    intAsBigInt: false,
  });
  const where = (offset: number | undefined): string => {
    if (offset === undefined) return '';
    const { line, col } = lines.linePos(offset);
    return ` (line ${line}, column ${col})`;
  };
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    const first = problem.message.split('\n')[0] ?? problem.code;
    throw new QtError(code, `${name}: YAML ${problem.code}: ${first}${where(problem.pos[0])}`, { path: '$' });
  }
  const fail = (node: Node | null, path: string, why: string): never => {
    throw new QtError(code, `${name}: ${path}: ${why}${where(node?.range?.[0])}`, { path });
  };
  const convert = (node: unknown, path: string, depth: number): JsonValue => {
    if (depth > MAX_YAML_DEPTH) fail(null, path, `nests deeper than ${MAX_YAML_DEPTH}`);
    if (node === null || node === undefined) return null; // an empty value (`key:`) is null, as in JSON
    if (isAlias(node)) return fail(node, path, 'YAML aliases are not allowed (no JSON equivalent)');
    const n = node as Node;
    if (n.anchor !== undefined) fail(n, path, 'YAML anchors are not allowed (no JSON equivalent)');
    if (n.tag !== undefined) fail(n, path, `explicit YAML tags are not allowed (${n.tag})`);
    if (isScalar(n)) {
      const v = n.value;
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) fail(n, path, 'non-finite numbers are not allowed');
        return v;
      }
      return fail(n, path, 'unsupported scalar');
    }
    if (isSeq(n)) return n.items.map((item, i) => convert(item, `${path}[${i}]`, depth + 1));
    if (isMap(n)) {
      const out: Record<string, JsonValue> = {};
      for (const pair of n.items) {
        if (!isPair(pair)) fail(n, path, 'unsupported map entry');
        const key = pair.key;
        if (
          !isScalar(key) ||
          typeof key.value !== 'string' ||
          key.tag !== undefined ||
          key.anchor !== undefined
        ) {
          fail(isScalar(key) ? key : n, path, 'map keys must be plain strings');
        }
        const k = (key as { value: string }).value;
        if (Object.prototype.hasOwnProperty.call(out, k)) fail(n, pathKey(path, k), 'duplicate key');
        Object.defineProperty(out, k, {
          value: convert(pair.value, pathKey(path, k), depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    return fail(n, path, 'unsupported YAML node');
  };
  return convert(doc.contents, '$', 0);
}

/** Parses document bytes as JSON or strict YAML; failures are `code`, naming the file and the path. */
export function parseDocumentBytes(
  bytes: Uint8Array,
  name: string,
  format: DocumentFormat,
  code: QtErrorCode,
): JsonValue {
  try {
    if (format === 'json') return parseJsonBytes(bytes);
    return parseStrictYaml(bytesToUtf8(bytes), name, code);
  } catch (e) {
    if (isQtError(e) && e.code === code) throw e;
    const detail = isQtError(e) ? e.message : 'unreadable';
    throw new QtError(code, `${name} is not valid ${format.toUpperCase()}: ${detail}`, {
      path: isQtError(e) ? (e.path ?? '$') : '$',
      cause: e,
    });
  }
}

/** Reads a JSON or YAML document (by file extension) of at most `maxBytes` bytes. */
export async function readDocumentFile(
  path: string,
  code: QtErrorCode,
  maxBytes: number,
): Promise<JsonValue> {
  const bytes = await readFileLimited(path, maxBytes);
  return parseDocumentBytes(bytes, path, formatOf(path), code);
}
