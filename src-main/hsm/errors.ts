/**
 * PKCS#11 return values mapped to Q-Trust errors with actionable messages. pkcs11js throws
 * `Pkcs11Error` (with a numeric `code` and a `CKR_*` name in the message) or, for some calls, a plain
 * `Error('CKR_X:NN')`; both are recognised here. Anything else is passed through unchanged.
 */
import { QtError, type QtErrorCode } from '../../src-shared/errors.js';

interface Mapping {
  readonly code: QtErrorCode;
  readonly advice: string;
}

const MAP: Readonly<Record<string, Mapping>> = {
  CKR_PIN_INCORRECT: {
    code: 'QT_HSM_PIN_INCORRECT',
    advice: 'the PIN is wrong; check the custodian shares used to rebuild it',
  },
  CKR_PIN_LEN_RANGE: {
    code: 'QT_HSM_PIN_INCORRECT',
    advice: 'the PIN has a length the token does not accept',
  },
  CKR_PIN_LOCKED: {
    code: 'QT_HSM_PIN_LOCKED',
    advice: 'the PIN is locked; the security officer must unlock it',
  },
  CKR_USER_NOT_LOGGED_IN: {
    code: 'QT_HSM_NOT_LOGGED_IN',
    advice: 'log in to the token before using its private objects',
  },
  CKR_USER_ALREADY_LOGGED_IN: {
    code: 'QT_HSM_ALREADY_LOGGED_IN',
    advice: 'another session already logged in; log out first',
  },
  CKR_TOKEN_NOT_PRESENT: {
    code: 'QT_HSM_TOKEN_ABSENT',
    advice: 'the token is not present; reconnect it and retry the step',
  },
  CKR_DEVICE_REMOVED: {
    code: 'QT_HSM_TOKEN_ABSENT',
    advice: 'the token was removed; reconnect it and retry the step',
  },
  CKR_SESSION_HANDLE_INVALID: {
    code: 'QT_HSM_SESSION_LOST',
    advice: 'the session was closed (token removed?); open a new one',
  },
  CKR_SESSION_CLOSED: {
    code: 'QT_HSM_SESSION_LOST',
    advice: 'the session was closed (token removed?); open a new one',
  },
  CKR_SLOT_ID_INVALID: {
    code: 'QT_HSM_TOKEN_ABSENT',
    advice: 'the slot is gone; find the token again by label or serial',
  },
  CKR_MECHANISM_INVALID: {
    code: 'QT_HSM_MECHANISM_UNSUPPORTED',
    advice: 'the token does not support this mechanism',
  },
  CKR_MECHANISM_PARAM_INVALID: {
    code: 'QT_HSM_MECHANISM_UNSUPPORTED',
    advice: 'the token refused the mechanism parameters',
  },
  CKR_KEY_UNEXTRACTABLE: {
    code: 'QT_HSM_KEY_NOT_WRAPPABLE',
    advice: 'the key is not extractable and cannot be wrapped',
  },
  CKR_KEY_NOT_WRAPPABLE: {
    code: 'QT_HSM_KEY_NOT_WRAPPABLE',
    advice: 'the key cannot be wrapped with this wrapping key',
  },
  CKR_WRAPPING_KEY_HANDLE_INVALID: {
    code: 'QT_HSM_KEY_NOT_WRAPPABLE',
    advice: 'the wrapping key is missing or invalid',
  },
  CKR_ATTRIBUTE_SENSITIVE: {
    code: 'QT_HSM_ATTRIBUTE_SENSITIVE',
    advice: 'the attribute is sensitive and never leaves the token',
  },
  CKR_KEY_HANDLE_INVALID: {
    code: 'QT_HSM_KEY_NOT_FOUND',
    advice: 'the key handle is invalid; the key may have been destroyed',
  },
  CKR_OBJECT_HANDLE_INVALID: {
    code: 'QT_HSM_KEY_NOT_FOUND',
    advice: 'the object handle is invalid; the object may have been destroyed',
  },
  CKR_ENCRYPTED_DATA_INVALID: {
    code: 'QT_HSM_DECRYPT_FAILED',
    advice: 'the sealed data is damaged or bound to other associated data',
  },
  CKR_ENCRYPTED_DATA_LEN_RANGE: {
    code: 'QT_HSM_DECRYPT_FAILED',
    advice: 'the sealed data has the wrong length',
  },
  CKR_TEMPLATE_INCONSISTENT: { code: 'QT_HSM_TEMPLATE', advice: 'the token refused the key attributes' },
  CKR_ATTRIBUTE_VALUE_INVALID: { code: 'QT_HSM_TEMPLATE', advice: 'the token refused an attribute value' },
  CKR_TOKEN_WRITE_PROTECTED: { code: 'QT_HSM_READ_ONLY', advice: 'the token is write-protected' },
  CKR_CRYPTOKI_NOT_INITIALIZED: {
    code: 'QT_HSM_NOT_INITIALIZED',
    advice: 'the PKCS#11 module is not initialised',
  },
};

/** Extracts the CKR_* name from a pkcs11js error, or undefined when it is not one. */
export function ckrName(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const m = /\b(CKR_[A-Z_]+)\b/.exec(e.message);
  return m?.[1];
}

/** Converts a pkcs11js failure into a QtError naming the operation, the CKR code and what to do. */
export function mapPkcs11Error(e: unknown, operation: string): unknown {
  const ckr = ckrName(e);
  if (ckr === undefined) return e;
  const m = MAP[ckr];
  const code: QtErrorCode = m?.code ?? 'QT_HSM_ERROR';
  const advice = m?.advice ?? 'the token reported an error';
  return new QtError(code, `${operation} failed (${ckr}): ${advice}`, { cause: e });
}

/** Runs `fn` and converts any PKCS#11 error it throws. */
export function pk<T>(operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw mapPkcs11Error(e, operation);
  }
}
