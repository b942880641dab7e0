/**
 * The PKCS#11 module: loaded and initialised once per process and module path (PKCS#11 forbids a second
 * C_Initialize), tokens found by label or serial (slot ids change between runs and are never used as
 * names), sessions opened and always closed in order (logout, close session; finalize last).
 *
 * The raw API is injected (`Pkcs11Api`, the subset of pkcs11js used here) so that a documented
 * fault-injecting wrapper (fault.ts) can simulate a token disappearing mid-ceremony: SoftHSM cannot be
 * unplugged.
 */
import { createRequire } from 'node:module';
import type * as Pkcs11Js from 'pkcs11js';
import { QtError } from '../../src-shared/errors.js';
import { pk } from './errors.js';
import { HsmSession } from './session.js';

export type Pkcs11Api = Pick<
  Pkcs11Js.PKCS11,
  | 'load'
  | 'C_Initialize'
  | 'C_Finalize'
  | 'close'
  | 'C_GetSlotList'
  | 'C_GetTokenInfo'
  | 'C_GetMechanismList'
  | 'C_OpenSession'
  | 'C_CloseSession'
  | 'C_Login'
  | 'C_Logout'
  | 'C_GenerateKeyPair'
  | 'C_GenerateKey'
  | 'C_GetAttributeValue'
  | 'C_FindObjectsInit'
  | 'C_FindObjects'
  | 'C_FindObjectsFinal'
  | 'C_SignInit'
  | 'C_Sign'
  | 'C_EncryptInit'
  | 'C_Encrypt'
  | 'C_DecryptInit'
  | 'C_Decrypt'
  | 'C_DestroyObject'
  | 'C_WrapKey'
  | 'C_UnwrapKey'
  | 'C_InitPIN'
  | 'C_SetPIN'
  | 'C_CreateObject'
  | 'C_InitToken'
>;

export interface TokenInfo {
  readonly slot: Buffer;
  readonly label: string;
  readonly serial: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly initialized: boolean;
}

export interface TokenSelector {
  readonly label?: string;
  readonly serial?: string;
}

const require = createRequire(import.meta.url);
const CKF_TOKEN_INITIALIZED = 0x400;

export class Pkcs11Module {
  private static readonly modules = new Map<string, Pkcs11Module>();
  private readonly sessions = new Set<HsmSession>();
  private finalized = false;

  private constructor(
    readonly modulePath: string,
    readonly api: Pkcs11Api,
  ) {}

  /** The module for `modulePath`, loaded and initialised on first use in this process. */
  static open(modulePath: string, api?: Pkcs11Api): Pkcs11Module {
    const existing = Pkcs11Module.modules.get(modulePath);
    if (existing && !existing.finalized) return existing;
    const raw: Pkcs11Api = api ?? new (require('pkcs11js') as typeof Pkcs11Js).PKCS11();
    try {
      raw.load(modulePath);
    } catch (cause) {
      throw new QtError('QT_HSM_MODULE', `cannot load the PKCS#11 module ${modulePath}: is it installed?`, {
        cause,
      });
    }
    pk('C_Initialize', () => raw.C_Initialize());
    const m = new Pkcs11Module(modulePath, raw);
    Pkcs11Module.modules.set(modulePath, m);
    return m;
  }

  /** Every token present, with its label and serial trimmed of PKCS#11's blank padding. */
  tokens(): TokenInfo[] {
    this.assertOpen();
    const slots = pk('C_GetSlotList', () => this.api.C_GetSlotList(true));
    return slots.map((slot) => {
      const t = pk('C_GetTokenInfo', () => this.api.C_GetTokenInfo(slot));
      return {
        slot,
        label: t.label.trim(),
        serial: t.serialNumber.trim(),
        manufacturer: t.manufacturerID.trim(),
        model: t.model.trim(),
        initialized: (t.flags & CKF_TOKEN_INITIALIZED) !== 0,
      };
    });
  }

  /** Finds exactly one initialised token by label and/or serial; absent or ambiguous is an error. */
  findToken(sel: TokenSelector): TokenInfo {
    if (sel.label === undefined && sel.serial === undefined) {
      throw new QtError(
        'QT_HSM_TOKEN_SELECTOR',
        'name the token by label or serial (slot numbers change between runs)',
      );
    }
    const found = this.tokens().filter(
      (t) =>
        t.initialized &&
        (sel.label === undefined || t.label === sel.label) &&
        (sel.serial === undefined || t.serial === sel.serial),
    );
    const name = [sel.label && `label "${sel.label}"`, sel.serial && `serial ${sel.serial}`]
      .filter(Boolean)
      .join(' and ');
    if (found.length === 0)
      throw new QtError('QT_HSM_TOKEN_ABSENT', `no token with ${name} is present; insert it and retry`);
    if (found.length > 1) {
      throw new QtError(
        'QT_HSM_TOKEN_AMBIGUOUS',
        `${found.length} tokens have ${name}; name the token by serial as well`,
      );
    }
    return found[0] as TokenInfo;
  }

  /**
   * Initialises the token in `slot` (C_InitToken: erases it, sets the SO PIN and the label). The
   * label is padded with blanks to the 32 bytes PKCS#11 requires (pkcs11js pads with NULs, which
   * tokens then report as part of the label). The user PIN is set afterwards by the SO (C_InitPIN).
   */
  initToken(slot: Buffer, soPin: string, label: string): void {
    this.assertOpen();
    if (!/^[A-Za-z0-9._-]{1,32}$/.test(label)) {
      throw new QtError(
        'QT_HSM_LABEL',
        `token label "${label.slice(0, 40)}" must be 1-32 characters of A-Z a-z 0-9 . _ -`,
      );
    }
    if (soPin.length < 4 || soPin.length > 255)
      throw new QtError('QT_HSM_PIN_INCORRECT', 'the SO PIN must have 4 to 255 characters');
    pk('C_InitToken', () => this.api.C_InitToken(slot, soPin, label.padEnd(32, ' ')));
  }

  /** Mechanisms the token offers (numeric CKM_* values). */
  mechanisms(sel: TokenSelector): number[] {
    const t = this.findToken(sel);
    return pk('C_GetMechanismList', () => this.api.C_GetMechanismList(t.slot));
  }

  /** Opens a read-write session on the token; close it with `session.close()` or use `withSession`. */
  openSession(sel: TokenSelector): HsmSession {
    const t = this.findToken(sel);
    const CKF_RW_SESSION = 0x2;
    const CKF_SERIAL_SESSION = 0x4;
    const handle = pk('C_OpenSession', () =>
      this.api.C_OpenSession(t.slot, CKF_RW_SESSION | CKF_SERIAL_SESSION),
    );
    const s = new HsmSession(this.api, handle, t, () => this.sessions.delete(s));
    this.sessions.add(s);
    return s;
  }

  /** Opens a session, logs in as the user with `pin`, runs `fn`, then logs out and closes, in that order. */
  async withSession<T>(sel: TokenSelector, pin: string, fn: (s: HsmSession) => Promise<T> | T): Promise<T> {
    const s = this.openSession(sel);
    try {
      s.login(pin);
      return await fn(s);
    } finally {
      s.close();
    }
  }

  /** Closes every session (logging out first) and finalises the module. */
  finalize(): void {
    if (this.finalized) return;
    for (const s of [...this.sessions]) s.close();
    this.finalized = true;
    Pkcs11Module.modules.delete(this.modulePath);
    try {
      this.api.C_Finalize();
    } finally {
      this.api.close();
    }
  }

  private assertOpen(): void {
    if (this.finalized) throw new QtError('QT_HSM_NOT_INITIALIZED', 'the PKCS#11 module was finalised');
  }
}
