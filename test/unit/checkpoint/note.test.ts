import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../../src-shared/bytes.js';
import { noteKeyHash, parseSignedNote, signatureType } from '../../../src-shared/checkpoint/index.js';
import { getSuite } from '../../../src-shared/sign/index.js';

interface NoteVectors {
  text: string;
  keys: { name: string; key_hash: string; public_key_hex: string; seed_hex?: string }[];
  signed_note: string;
  signature_lines: string[];
}
const v = JSON.parse(
  readFileSync(new URL('../../vectors/checkpoint/signed-note.json', import.meta.url), 'utf8'),
) as NoteVectors;
const ed25519 = getSuite('ed25519');

describe('signed-note vectors (golang.org/x/mod/sumdb/note)', () => {
  it('splits the note into its text and two signature lines', () => {
    const note = parseSignedNote(v.signed_note);
    expect(note.body).toBe(v.text);
    expect(note.signatures.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(note.signatures.map((s) => bytesToHex(s.keyHash))).toEqual(v.keys.map((k) => k.key_hash));
  });

  it('computes the key hashes of the Ed25519 keys (signature type 0x01)', () => {
    for (const k of v.keys) {
      expect(bytesToHex(noteKeyHash(k.name, 'ed25519', hexToBytes(k.public_key_hex)))).toBe(k.key_hash);
    }
  });

  it('verifies both signatures over the note text', () => {
    const note = parseSignedNote(v.signed_note);
    note.signatures.forEach((s, i) => {
      const key = hexToBytes((v.keys[i] as NoteVectors['keys'][number]).public_key_hex);
      expect(ed25519.verify(key, utf8ToBytes(note.body), s.signature)).toBe(true);
      expect(ed25519.verify(key, utf8ToBytes(`${note.body}x`), s.signature)).toBe(false);
    });
  });

  it('reproduces the PeterNeumann signature byte for byte', () => {
    const peter = v.keys[0] as NoteVectors['keys'][number];
    const sig = ed25519.sign(hexToBytes(peter.seed_hex as string), utf8ToBytes(v.text));
    const note = parseSignedNote(`${v.text}\n${v.signature_lines[0] as string}`);
    expect(bytesToHex(sig)).toBe(bytesToHex((note.signatures[0] as { signature: Uint8Array }).signature));
  });

  it('refuses the malformed notes of the Go test', () => {
    const peterSig = v.signature_lines[0] as string;
    const bad = [
      v.text,
      `${v.text}\n`,
      `${v.text}\n${peterSig.slice(0, -1)}`,
      `\x01${v.text}\n${peterSig}`,
      `${v.text}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${v.text}\n${peterSig}Unexpected line.\n`,
    ];
    for (const text of bad) {
      expect(() => parseSignedNote(text), JSON.stringify(text)).toThrow(
        expect.objectContaining({ code: 'QT_CHECKPOINT_FORMAT' }),
      );
    }
  });
});

describe('signature types', () => {
  it('uses 0x01 for Ed25519 and a NUL-terminated 0xFF identifier for the rest', () => {
    expect(bytesToHex(signatureType('ed25519'))).toBe('01');
    expect(bytesToHex(signatureType('ml-dsa-65'))).toBe(
      bytesToHex(new Uint8Array([0xff, ...utf8ToBytes('qtrust/note/ml-dsa-65'), 0])),
    );
  });

  it('gives the same key different key hashes under different names and suites', () => {
    const pk = new Uint8Array(32).fill(7);
    const a = bytesToHex(noteKeyHash('log.example/a', 'ed25519', pk));
    const b = bytesToHex(noteKeyHash('log.example/b', 'ed25519', pk));
    const c = bytesToHex(noteKeyHash('log.example/a', 'secp256k1', new Uint8Array([2, ...pk])));
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('refuses bad key names and key lengths', () => {
    const pk = new Uint8Array(32);
    for (const name of ['', 'a b', 'a+b', 'tab\there', 'é', 'x'.repeat(256), 5]) {
      expect(() => noteKeyHash(name as string, 'ed25519', pk)).toThrow(
        expect.objectContaining({ code: 'QT_CHECKPOINT_KEY' }),
      );
    }
    expect(() => noteKeyHash('a', 'ed25519', new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'QT_RANGE' }),
    );
    expect(() => noteKeyHash('a', 'rsa' as never, pk)).toThrow(
      expect.objectContaining({ code: 'QT_UNKNOWN_SUITE' }),
    );
  });
});
