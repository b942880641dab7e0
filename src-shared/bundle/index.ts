/** Evidence bundles: manifest and JSON Lines formats (docs/formats.md, "Bundles"). */
export * from './manifest.js';
export * from './lines.js';
export { splitLines, type RawLine } from './split.js';
