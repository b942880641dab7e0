/**
 * Pre-authentication encoding: the exact bytes every envelope signature covers.
 *
 *   PAE(type, payload) = "QTRUSTv1" SP LEN(type) SP type SP LEN(payload) SP payload
 *
 * as in DSSE v1 (in-toto/dsse, protocol.md) but with our own leading literal, so a signature made
 * for a DSSE envelope can never be replayed as a Q-Trust one and vice versa. LEN is the byte length
 * in ASCII decimal without leading zeros and SP is one 0x20 byte. Both variable fields are
 * length-prefixed, so the encoding is injective: the payload type cannot bleed into the payload.
 */
import { abytes, utf8ToBytes } from '../bytes.js';
import { QtError } from '../errors.js';

export const PAE_PREFIX = 'QTRUSTv1';
/** Longest payload type, in characters (= bytes: payload types are ASCII). */
export const MAX_PAYLOAD_TYPE_LENGTH = 128;
/** Largest payload an envelope may carry (4 MiB): envelopes wrap grants, approvals and checkpoints, not logs. */
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** Printable ASCII without space (0x21..0x7E), e.g. `application/vnd.qtrust.grant+json`. */
const PAYLOAD_TYPE = /^[\x21-\x7e]+$/;

/** True when `value` is an acceptable payload type. */
export function isPayloadType(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= MAX_PAYLOAD_TYPE_LENGTH &&
    PAYLOAD_TYPE.test(value)
  );
}

export function apayloadType(value: unknown, name = 'payloadType'): string {
  if (typeof value !== 'string') {
    throw new QtError('QT_TYPE', `${name} must be a string`, { path: name });
  }
  if (!isPayloadType(value)) {
    throw new QtError(
      'QT_PAYLOAD_TYPE',
      `${name} must be 1 to ${MAX_PAYLOAD_TYPE_LENGTH} printable ASCII characters without spaces (0x21-0x7e)`,
      { path: name },
    );
  }
  return value;
}

export function apayload(value: unknown, name = 'payload'): Uint8Array {
  const payload = abytes(value, name);
  if (payload.length > MAX_PAYLOAD_BYTES) {
    throw new QtError(
      'QT_RANGE',
      `${name} must be at most ${MAX_PAYLOAD_BYTES} bytes, got ${payload.length}`,
      {
        path: name,
      },
    );
  }
  return payload;
}

export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  apayloadType(payloadType);
  apayload(payload);
  const head = utf8ToBytes(`${PAE_PREFIX} ${payloadType.length} ${payloadType} ${payload.length} `);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}
