/**
 * Version of the trusted core (src-shared): its formats and algorithms. Bumped when a format in
 * docs/formats.md changes meaning; independent of the app's package version.
 */
export const CORE_VERSION = '0.1.0';
