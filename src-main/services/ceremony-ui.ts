/**
 * The Ceremonies screen's adapter over CeremonyService (src-main/ceremony/service.ts; docs/app.md,
 * "Ceremonies"). It adds what a screen needs and the service leaves to its caller:
 *
 * - files come from the ceremony dialog port only (a participant's key folder, a custodian's share
 *   file and X25519 key file, the export target); the renderer never sends a path;
 * - participants check in with their own signing keys: the key folder they pick is opened with the
 *   passphrase they type, and the keys join the signer map the open ceremony attests with. The map
 *   is the one given to CeremonyService.open, which the runner keeps by reference, so a participant
 *   may arrive between steps (test/e2e/ceremonies.spec.ts checks everyone in after opening);
 * - passphrases live for one call: turned into bytes, used, wiped;
 * - which custodians' shares were accepted for the coming step (the runner keeps that private);
 * - the PKCS#11 module is loaded on first use (one C_Initialize per process).
 *
 * Signing keys are wiped when another ceremony is opened or the service is closed.
 */
import { isAbsolute, join } from 'node:path';
import { fromBase64url } from '../../src-shared/bytes.js';
import type { CeremonyScript } from '../../src-shared/ceremony/script.js';
import { QtError } from '../../src-shared/errors.js';
import type { RequestOf, ResponseOf } from '../../src-shared/ipc/index.js';
import {
  isSealed,
  passphraseFromText,
  wipeSecretKeys,
  type Kdf,
  type ScryptParams,
} from '../../src-shared/keys/index.js';
import type { SecretKeyEntry } from '../../src-shared/sign/index.js';
import { parseSealedShare, type CustodianSecret } from '../ceremony/custody.js';
import { listScripts, readStructured } from '../ceremony/files.js';
import { CeremonyService, type EvidenceSink } from '../ceremony/service.js';
import { Pkcs11Module } from '../hsm/module.js';
import { readFileLimited } from '../io/read-file.js';
import { openSecretKeySetFile, readSecretKeySetFile } from '../keys/keyfile.js';
import { ceremonyView, transcriptEntryView, type CeremonyView } from './ceremony-view.js';
import { CEREMONY_ENTRIES_MAX, CEREMONY_SCRIPTS_MAX } from '../../src-shared/ipc/ceremony-contract.js';

/** The folder, inside the tenant directory, whose scripts the screen lists. */
export const CEREMONY_SCRIPTS_DIR = 'ceremony-scripts';
export const DEFAULT_PKCS11_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const MAX_SHARE_BYTES = 64 * 1024;
const MAX_X25519_KEY_FILE_BYTES = 1024;

/** How main asks the person for ceremony files (native dialogs in Electron, a fake in tests). */
export interface CeremonyDialogPort {
  /** A participant's key folder (holding secret.json), or null when cancelled. */
  chooseKeyFolder(participant: string): Promise<string | null>;
  /** A custodian's sealed share file; `what` names the PIN ("user PIN of acme-prod-1"). */
  chooseShareFile(custodian: string, what: string): Promise<string | null>;
  /** An X25519 custodian's secret key file (base64url, 32 bytes). */
  chooseCustodianKeyFile(custodian: string): Promise<string | null>;
  /** Where to save the transcript. */
  chooseTranscriptTarget(defaultName: string): Promise<string | null>;
}

export const NO_CEREMONY_DIALOG: CeremonyDialogPort = Object.freeze({
  chooseKeyFolder: () => Promise.resolve(null),
  chooseShareFile: () => Promise.resolve(null),
  chooseCustodianKeyFile: () => Promise.resolve(null),
  chooseTranscriptTarget: () => Promise.resolve(null),
});

export interface CeremonyUiOptions {
  readonly tenantDir: string;
  readonly dialog?: CeremonyDialogPort;
  /** PKCS#11 module path (default SoftHSM2's); loaded on first use. */
  readonly modulePath?: string;
  /** Each finished entry goes here as an evidence record of kind "ceremony", when given. */
  readonly evidence?: EvidenceSink;
  /** RFC 3339 now (tests). */
  readonly now?: () => string;
  /** scrypt for passphrase custodians' shares (tests use small parameters). */
  readonly scrypt?: ScryptParams;
  readonly kdf?: Kdf;
}

type Answer = ResponseOf<'writeOpenCeremony'>;

function chosen(path: string | null, what: string): string | null {
  if (path === null) return null;
  if (typeof path !== 'string' || !isAbsolute(path)) {
    throw new QtError('QT_DIALOG', `the dialog did not answer an absolute path for ${what}`);
  }
  return path;
}

function secretBytes(passphrase: string, who: string): Uint8Array {
  return passphraseFromText(passphrase, `passphrase of ${who}`);
}

export class CeremonyUi {
  readonly #opts: CeremonyUiOptions;
  readonly #dialog: CeremonyDialogPort;
  #service: CeremonyService | null = null;
  #file: string | null = null;
  #script: CeremonyScript | null = null;
  #signers = new Map<string, SecretKeyEntry[]>();
  #presented = new Map<string, Set<string>>();
  /** Passphrases of passphrase custodians for the step being performed (wiped after it). */
  #sealing = new Map<string, Uint8Array>();

  constructor(opts: CeremonyUiOptions) {
    if (typeof opts?.tenantDir !== 'string' || !isAbsolute(opts.tenantDir)) {
      throw new QtError('QT_TYPE', 'tenantDir must be an absolute path', { path: 'tenantDir' });
    }
    this.#opts = opts;
    this.#dialog = opts.dialog ?? NO_CEREMONY_DIALOG;
  }

  get scriptsDir(): string {
    return join(this.#opts.tenantDir, CEREMONY_SCRIPTS_DIR);
  }

  #svc(): CeremonyService {
    this.#service ??= new CeremonyService({
      module: Pkcs11Module.open(this.#opts.modulePath ?? DEFAULT_PKCS11_MODULE),
      scriptsDir: this.scriptsDir,
      tenantDir: this.#opts.tenantDir,
      ...(this.#opts.evidence ? { evidence: this.#opts.evidence } : {}),
      ...(this.#opts.now ? { now: this.#opts.now } : {}),
      ...(this.#opts.scrypt ? { scrypt: this.#opts.scrypt } : {}),
      ...(this.#opts.kdf ? { kdf: this.#opts.kdf } : {}),
    });
    return this.#service;
  }

  #open(): { svc: CeremonyService; script: CeremonyScript; file: string } {
    if (this.#service === null || this.#script === null || this.#file === null) {
      throw new QtError('QT_CEREMONY_STATE', 'no ceremony is open: choose a script first');
    }
    return { svc: this.#service, script: this.#script, file: this.#file };
  }

  async scripts(): Promise<ResponseOf<'readCeremonyScripts'>> {
    const list = (await listScripts(this.scriptsDir)).slice(0, CEREMONY_SCRIPTS_MAX);
    return {
      folder: this.scriptsDir,
      scripts: list.map((s) => ({
        file: s.file.slice(0, 255),
        id: s.id ?? null,
        title: s.title ?? null,
        steps: s.steps ?? null,
        error: s.error === undefined ? null : s.error.slice(0, 2048),
      })),
    };
  }

  view(): CeremonyView | null {
    if (this.#script === null || this.#service === null || this.#file === null) return null;
    const svc = this.#service;
    return ceremonyView({
      file: this.#file,
      script: this.#script,
      transcript: svc.readTranscript(),
      next: svc.describeNext(),
      present: svc.quorumProgress().present,
      presented: this.#presented,
    });
  }

  #answer(): Answer {
    return { ceremony: this.view() as CeremonyView };
  }

  /**
   * Opens a script of the scripts folder. TODO (no implicit admin): starting a ceremony is a
   * critical action and must become a request to the policy engine with approvals (docs/app.md).
   */
  async openScript(file: string): Promise<Answer> {
    if (!/^[^/\\\0]{1,255}$/.test(file) || file === '.' || file === '..' || !/\.(ya?ml|json)$/i.test(file)) {
      throw new QtError(
        'QT_CEREMONY_SCRIPT',
        'file must be the name of a .yaml, .yml or .json script in the scripts folder',
        {
          path: 'file',
        },
      );
    }
    const signers = new Map<string, SecretKeyEntry[]>();
    const script = await this.#svc().open(file, signers, {
      passphraseOf: (c) => {
        const p = this.#sealing.get(c);
        if (p === undefined) {
          return Promise.reject(
            new QtError('QT_PASSPHRASE', `custodian ${c} must type a passphrase to seal their shares`),
          );
        }
        return Promise.resolve(p.slice());
      },
    });
    this.#forgetSigners();
    this.#signers = signers;
    this.#presented = new Map();
    this.#script = script;
    this.#file = file;
    return this.#answer();
  }

  token(name: string): ResponseOf<'readCeremonyToken'> {
    const { svc, script } = this.#open();
    const t = script.tokens.find((x) => x.name === name);
    if (t === undefined) {
      throw new QtError(
        'QT_CEREMONY_SCRIPT',
        `ceremony ${script.id} has no token named ${JSON.stringify(name)}`,
        {
          path: 'token',
        },
      );
    }
    const r = svc.checkToken({ label: t.label, ...(t.serial === undefined ? {} : { serial: t.serial }) });
    return {
      token: t.name,
      label: t.label,
      present: r.present,
      serial: r.serial ?? null,
      initialized: r.initialized ?? null,
      mechanisms: r.mechanisms ?? null,
    };
  }

  async checkIn(request: RequestOf<'writeCeremonyCheckIn'>): Promise<ResponseOf<'writeCeremonyCheckIn'>> {
    const { svc, script } = this.#open();
    const who = request.participant;
    const everyone = [
      script.roles.administrator,
      ...script.roles.custodians.members.map((c) => c.id),
      ...script.roles.witnesses.members,
    ];
    if (!everyone.includes(who)) {
      throw new QtError(
        'QT_CEREMONY_ROLE',
        `${JSON.stringify(who)} is not a participant of ceremony ${script.id}`,
      );
    }
    const dir = chosen(await this.#dialog.chooseKeyFolder(who), `the key folder of ${who}`);
    if (dir === null) return { ...this.#answer(), cancelled: true };
    const { path, set } = await readSecretKeySetFile(dir);
    let pass: Uint8Array | undefined;
    if (isSealed(set)) {
      if (request.passphrase === null) {
        throw new QtError('QT_PASSPHRASE', `the key set of ${who} is sealed: type their passphrase`);
      }
      pass = secretBytes(request.passphrase, who);
    }
    let keys: SecretKeyEntry[];
    try {
      keys = (await openSecretKeySetFile(path, set, pass)).keys;
    } finally {
      pass?.fill(0);
    }
    const old = this.#signers.get(who);
    this.#signers.set(who, keys);
    if (old !== undefined) wipeSecretKeys(old);
    try {
      svc.checkIn(who);
    } catch (e) {
      this.#signers.delete(who);
      wipeSecretKeys(keys);
      throw e;
    }
    return { ...this.#answer(), cancelled: false };
  }

  async presentShare(request: RequestOf<'writeCeremonyShare'>): Promise<ResponseOf<'writeCeremonyShare'>> {
    const { svc, script } = this.#open();
    const { custodian, token, secret } = request;
    const member = script.roles.custodians.members.find((c) => c.id === custodian);
    if (member === undefined) {
      throw new QtError(
        'QT_CEREMONY_CUSTODIAN',
        `${JSON.stringify(custodian)} is not a custodian of ceremony ${script.id}`,
      );
    }
    const label = script.tokens.find((t) => t.name === token)?.label ?? token;
    const what = `${secret === 'so' ? 'SO' : 'user'} PIN of ${label}`;
    const path = chosen(await this.#dialog.chooseShareFile(custodian, what), `the share of ${custodian}`);
    if (path === null) return { ...this.#answer(), cancelled: true };
    const share = parseSealedShare(
      await readStructured(path, MAX_SHARE_BYTES, 'QT_CEREMONY_SHARE_FORMAT'),
      'share',
    );
    if (share.custodian !== custodian || share.token !== token || share.secret !== secret) {
      throw new QtError(
        'QT_CEREMONY_SHARE_INVALID',
        `the file holds ${share.custodian}'s share of the ${share.secret} PIN of ${share.token}, not ${custodian}'s share of the ${what}`,
      );
    }
    let opener: CustodianSecret;
    if ('x25519' in member.seal) {
      const keyFile = chosen(
        await this.#dialog.chooseCustodianKeyFile(custodian),
        `the key file of ${custodian}`,
      );
      if (keyFile === null) return { ...this.#answer(), cancelled: true };
      opener = { x25519SecretKey: await readX25519Key(keyFile, custodian) };
    } else {
      if (request.passphrase === null) {
        throw new QtError(
          'QT_PASSPHRASE',
          `custodian ${custodian} opens their share with a passphrase: type it`,
        );
      }
      opener = { passphrase: secretBytes(request.passphrase, custodian) };
    }
    try {
      await svc.presentShare(share, opener);
    } finally {
      ('x25519SecretKey' in opener ? opener.x25519SecretKey : opener.passphrase).fill(0);
    }
    const key = `${token}/${secret}`;
    const set = this.#presented.get(key) ?? new Set<string>();
    set.add(custodian);
    this.#presented.set(key, set);
    return { ...this.#answer(), cancelled: false };
  }

  /** Performs the next step, which must be the one the person confirmed (`request.step`). */
  async performStep(request: RequestOf<'writeCeremonyStep'>): Promise<ResponseOf<'writeCeremonyStep'>> {
    const { svc, script } = this.#open();
    const next = svc.describeNext().requirements;
    if (next === undefined || next.step.id !== request.step) {
      throw new QtError(
        'QT_CEREMONY_ORDER',
        `the confirmed step ${request.step} is not the next step (${next?.step.id ?? 'none: every step is done'}); read the step again`,
      );
    }
    if (next.step.kind === 'init-token') {
      const needed = script.roles.custodians.members.filter((c) => 'passphrase' in c.seal).map((c) => c.id);
      const given = new Set(request.sealPassphrases.map((p) => p.custodian));
      const missing = needed.filter((c) => !given.has(c));
      if (missing.length > 0) {
        throw new QtError(
          'QT_PASSPHRASE',
          `${missing.join(', ')} must type a passphrase to seal their shares`,
        );
      }
    }
    try {
      for (const p of request.sealPassphrases) {
        if (!script.roles.custodians.members.some((c) => c.id === p.custodian && 'passphrase' in c.seal)) {
          throw new QtError(
            'QT_CEREMONY_CUSTODIAN',
            `${p.custodian} is not a custodian sealing with a passphrase`,
          );
        }
        this.#sealing.set(p.custodian, secretBytes(p.passphrase, p.custodian));
      }
      const entry = await svc.performStep();
      return {
        ...this.#answer(),
        entry: { seq: entry.entry.seq, hash: entry.hash, step: entry.entry.step },
      };
    } finally {
      for (const p of this.#sealing.values()) p.fill(0);
      this.#sealing.clear();
      // The runner wipes every presented share after a step, whatever happened.
      this.#presented = new Map();
    }
  }

  transcript(): ResponseOf<'readCeremonyTranscript'> {
    const { svc, script } = this.#open();
    const entries = svc.readTranscript().entries;
    return {
      ceremony: script.id,
      entries: entries.slice(0, CEREMONY_ENTRIES_MAX).map(transcriptEntryView),
      omitted: Math.max(0, entries.length - CEREMONY_ENTRIES_MAX),
    };
  }

  async exportTranscript(): Promise<ResponseOf<'writeExportCeremonyTranscript'>> {
    const { svc, script } = this.#open();
    if (svc.readTranscript().entries.length === 0) {
      throw new QtError('QT_CEREMONY_STATE', 'the transcript is empty: no step has been performed yet');
    }
    const path = chosen(
      await this.#dialog.chooseTranscriptTarget(`${script.id}.transcript.json`),
      'the transcript export',
    );
    if (path === null) return { path: null };
    await svc.exportTranscript(path);
    return { path };
  }

  #forgetSigners(): void {
    for (const keys of this.#signers.values()) wipeSecretKeys(keys);
    this.#signers.clear();
  }

  close(): void {
    this.#forgetSigners();
  }
}

async function readX25519Key(path: string, custodian: string): Promise<Uint8Array> {
  const bytes = await readFileLimited(path, MAX_X25519_KEY_FILE_BYTES);
  let key: Uint8Array | undefined;
  try {
    key = fromBase64url(new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim(), 'x25519 key');
  } catch {
    key = undefined;
  } finally {
    bytes.fill(0);
  }
  if (key?.length !== 32) {
    key?.fill(0);
    throw new QtError(
      'QT_CEREMONY_CUSTODIAN_KEY',
      `the key file of ${custodian} does not hold a 32-byte base64url X25519 key`,
    );
  }
  return key;
}
