// The trusted core runs in Node, workers, the renderer and the hosted plane. It sees neither the
// DOM nor Node's types; the few WHATWG globals that every one of those runtimes provides are
// declared here, and nothing else.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
