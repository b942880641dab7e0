/**
 * The ceremony adapter: performs a script's steps on real tokens, asking the pure state machine
 * (src-shared/ceremony/machine.ts) before each one and writing the attested, hash-chained transcript
 * as it goes. A refusal by the machine (order, roles, quorum) touches nothing and records nothing;
 * a failure once the token is involved (wrong PIN, token removed, mechanism refused) stops the
 * ceremony: a "failure" entry names the step, the error code and message, and every key the step
 * had already generated (with its public key), then an "end" entry closes the transcript as aborted.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { bytesToHex, bytesToUtf8, fromBase64url, toBase64url, wipe } from '../../src-shared/bytes.js';
import { QtError, isQtError } from '../../src-shared/errors.js';
import {
  beginStep,
  checkIn as machineCheckIn,
  checkOut as machineCheckOut,
  completeStep,
  failStep,
  findKey,
  requirements,
  startCeremony,
  type CeremonyState,
  type KeyRecord,
  type StepRequirements,
} from '../../src-shared/ceremony/machine.js';
import { keyLabel, type CeremonyScript, type CeremonyStep } from '../../src-shared/ceremony/script.js';
import {
  appendEntry,
  emptyTranscript,
  rotationStatement,
  selfTestMessage,
  type EntryEvent,
  type SignedEntry,
  type Transcript,
} from '../../src-shared/ceremony/transcript.js';
import type { Kdf, ScryptParams } from '../../src-shared/keys/index.js';
import { keyId, type SecretKeyEntry, type SuiteBackend } from '../../src-shared/sign/index.js';
import type { Pkcs11Module } from '../hsm/module.js';
import type { HsmKeyPair, HsmSession } from '../hsm/session.js';
import { aesKcv, backedUpPair, moveKey, prepareTransport } from './backup.js';
import {
  combinePin,
  generatePin,
  openShare,
  splitPin,
  type CustodianSecret,
  type PinKind,
  type SealedShare,
} from './custody.js';

export interface RunnerOptions {
  readonly module: Pkcs11Module;
  readonly script: CeremonyScript;
  /** Each participant's software signing keys (their whole hybrid set), for attestations. */
  readonly signers: ReadonlyMap<string, readonly SecretKeyEntry[]>;
  /** RFC 3339 UTC now. */
  readonly now: () => string;
  readonly dryRun?: boolean;
  readonly backend?: SuiteBackend;
  /** Passphrases of passphrase-sealing custodians, asked when their shares are sealed. */
  readonly passphraseOf?: (custodian: string) => Promise<Uint8Array>;
  readonly scrypt?: ScryptParams;
  readonly kdf?: Kdf;
  /** Called with each new entry (e.g. to append it to the evidence log as kind "ceremony"). */
  readonly onEntry?: (entry: SignedEntry) => Promise<void>;
}

interface Custody {
  readonly ceremony: string;
  readonly threshold: number;
  readonly pin: string;
  /** custodian -> share commitment. */
  readonly shares: Map<string, string>;
  /**
   * True when this ceremony initialised the token, so every custodian's commitment is known and
   * attested; false for shares of an earlier ceremony, learnt as they are presented (each one still
   * opened and checked against its own commitment, and all of them against one PIN commitment).
   */
  readonly fromInit: boolean;
}

/** Codes by which the machine refuses a step before anything touches a token. */
const REFUSALS = new Set([
  'QT_CEREMONY_ORDER',
  'QT_CEREMONY_ROLE',
  'QT_CEREMONY_WITNESSES',
  'QT_CEREMONY_QUORUM',
  'QT_CEREMONY_CUSTODIAN',
  'QT_CEREMONY_STATE',
  'QT_CEREMONY_PIN_COMMITMENT',
]);

export class CeremonyRunner {
  #state: CeremonyState;
  #transcript: Transcript = emptyTranscript();
  readonly #opts: RunnerOptions;
  /** token/secret -> commitments known from this ceremony's init step. */
  readonly #custody = new Map<string, Custody>();
  /** token/secret -> custodian -> opened share (wiped after each step). */
  readonly #presented = new Map<string, Map<string, Uint8Array>>();
  #partial: Record<string, unknown>[] = [];
  /** Sealed shares produced by init-token steps, for the caller to hand to custodians. */
  readonly shares: SealedShare[] = [];

  constructor(opts: RunnerOptions) {
    this.#opts = opts;
    this.#state = startCeremony(opts.script);
  }

  get state(): CeremonyState {
    return this.#state;
  }

  get transcript(): Transcript {
    return this.#transcript;
  }

  checkIn(participant: string): void {
    if (!this.#opts.signers.has(participant)) {
      this.#state = machineCheckIn(this.#state, participant); // refuses non-participants first
      throw new QtError(
        'QT_CEREMONY_ATTESTATION',
        `participant ${participant} has no signing key loaded and cannot attest`,
      );
    }
    this.#state = machineCheckIn(this.#state, participant);
  }

  checkOut(participant: string): void {
    this.#state = machineCheckOut(this.#state, participant);
  }

  requirements(): StepRequirements | undefined {
    return requirements(this.#state);
  }

  /** A custodian presents a sealed share; it is opened and checked now, so a bad one is named at once. */
  async presentShare(share: SealedShare, secret: CustodianSecret): Promise<void> {
    const s = this.#opts.script;
    const token = s.tokens.find((t) => t.name === share.token);
    if (token === undefined || token.label !== share.label) {
      throw new QtError(
        'QT_CEREMONY_SHARE_INVALID',
        `the share of ${share.custodian} is for token ${share.token} (${share.label}), which this script does not use`,
      );
    }
    if (!s.roles.custodians.members.some((c) => c.id === share.custodian)) {
      throw new QtError('QT_CEREMONY_CUSTODIAN', `${share.custodian} is not a custodian of ceremony ${s.id}`);
    }
    if (!this.#state.present.includes(share.custodian)) {
      throw new QtError(
        'QT_CEREMONY_CUSTODIAN',
        `custodian ${share.custodian} must check in before presenting a share`,
      );
    }
    const key = `${share.token}/${share.secret}`;
    const known = this.#custody.get(key);
    const expected = known?.shares.get(share.custodian);
    if (known?.fromInit === true && expected === undefined) {
      throw new QtError(
        'QT_CEREMONY_CUSTODIAN',
        `${share.custodian} holds no share of the ${share.secret} PIN of ${share.token}`,
      );
    }
    if (
      known !== undefined &&
      (share.pinCommitment !== known.pin ||
        share.ceremony !== known.ceremony ||
        share.threshold !== known.threshold)
    ) {
      throw new QtError(
        'QT_CEREMONY_SHARE_INVALID',
        `the share of ${share.custodian} belongs to another initialisation of ${share.token}`,
      );
    }
    const opened = await openShare(share, secret, expected, this.#opts.kdf);
    if (known === undefined) {
      this.#custody.set(key, {
        ceremony: share.ceremony,
        threshold: share.threshold,
        pin: share.pinCommitment,
        shares: new Map([[share.custodian, share.commitment]]),
        fromInit: false,
      });
    } else if (expected === undefined) {
      known.shares.set(share.custodian, share.commitment);
    }
    const m = this.#presented.get(key) ?? new Map<string, Uint8Array>();
    const old = m.get(share.custodian);
    if (old) wipe(old);
    m.set(share.custodian, opened);
    this.#presented.set(key, m);
  }

  /** Exactly what the next step will do, in words, for the screen and the terminal. */
  describeNext(): string {
    const req = this.requirements();
    if (req === undefined) return 'every step is done';
    return describeStep(this.#opts.script, req);
  }

  async #append(
    event: EntryEvent,
    step: string | null,
    body: Record<string, unknown>,
    custodians: readonly string[] = [],
  ): Promise<void> {
    this.#transcript = appendEntry(
      this.#transcript,
      {
        ceremony: this.#opts.script.id,
        time: this.#opts.now(),
        event,
        step,
        present: [...this.#state.present],
        custodians: [...custodians],
        body,
      },
      this.#opts.signers,
      this.#opts.backend,
    );
    const last = this.#transcript.entries[this.#transcript.entries.length - 1] as SignedEntry;
    await this.#opts.onEntry?.(last);
  }

  /** Performs the next step. Machine refusals throw and change nothing; token failures stop the ceremony. */
  async performNext(): Promise<SignedEntry> {
    if (this.#transcript.entries.length === 0) {
      await this.#append('start', null, { script: this.#opts.script, dryRun: this.#opts.dryRun === true });
    }
    const req = this.requirements();
    if (req === undefined) throw new QtError('QT_CEREMONY_ORDER', 'every step of the script is already done');
    const custodians = [...new Set([...this.#presented.values()].flatMap((m) => [...m.keys()]))];
    this.#state = beginStep(this.#state, req.step.id, custodians);
    const pins = new Map<string, Uint8Array>();
    try {
      try {
        for (const [token, secret] of [
          ...req.userPin.map((t) => [t, 'user'] as const),
          ...req.soPin.map((t) => [t, 'so'] as const),
        ]) {
          pins.set(`${token}/${secret}`, await this.#rebuild(token, secret));
        }
      } catch (e) {
        // Nothing touched a token yet: undo the begin so the step can be retried with other shares.
        this.#state = { ...this.#state, status: 'open', custodians: [] };
        throw e;
      }
      this.#partial = [];
      let outcome: Record<string, unknown>;
      let publicKeys: Record<string, string> = {};
      try {
        ({ outcome, publicKeys } = await this.#execute(req.step, pins));
      } catch (e) {
        const code = isQtError(e) ? e.code : 'QT_CEREMONY_INTERNAL';
        const message = e instanceof Error ? e.message : String(e);
        await this.#append(
          'failure',
          req.step.id,
          { code, message, partial: this.#partial },
          this.#state.custodians,
        );
        this.#state = failStep(this.#state, code, message);
        await this.#append('end', null, { status: 'aborted' });
        throw e;
      }
      await this.#append('step', req.step.id, { kind: req.step.kind, outcome }, this.#state.custodians);
      this.#state = completeStep(this.#state, { publicKeys });
      if (this.#state.status === 'complete') await this.#append('end', null, { status: 'complete' });
      return this.#transcript.entries.find(
        (x) => x.entry.event === 'step' && x.entry.step === req.step.id,
      ) as SignedEntry;
    } finally {
      for (const p of pins.values()) wipe(p);
      for (const m of this.#presented.values()) for (const s of m.values()) wipe(s);
      this.#presented.clear();
    }
  }

  /** Aborts the ceremony on the operator's word (e.g. a participant left), recording why. */
  async abort(reason: string): Promise<void> {
    if (this.#transcript.entries.length === 0) {
      await this.#append('start', null, { script: this.#opts.script, dryRun: this.#opts.dryRun === true });
    }
    await this.#append('failure', this.requirements()?.step.id ?? null, {
      code: 'QT_CEREMONY_ABORTED',
      message: reason,
      partial: [],
    });
    this.#state = failStep(this.#state, 'QT_CEREMONY_ABORTED', reason);
    await this.#append('end', null, { status: 'aborted' });
  }

  async #rebuild(token: string, secret: PinKind): Promise<Uint8Array> {
    const key = `${token}/${secret}`;
    const c = this.#custody.get(key);
    const presented = this.#presented.get(key);
    if (c === undefined || presented === undefined) {
      throw new QtError(
        'QT_CEREMONY_QUORUM',
        `no custodian presented a share of the ${secret} PIN of ${token}`,
      );
    }
    return combinePin(
      [...presented].map(([custodian, share]) => ({ custodian, share })),
      {
        ceremony: c.ceremony,
        token,
        secret,
        threshold: c.threshold,
        pinCommitment: c.pin,
      },
    );
  }

  #session(token: string, pin: Uint8Array | undefined, as: 'user' | 'so' = 'user'): HsmSession {
    const t = this.#opts.script.tokens.find((x) => x.name === token) as CeremonyScript['tokens'][number];
    const s = this.#opts.module.openSession({
      label: t.label,
      ...(t.serial === undefined ? {} : { serial: t.serial }),
    });
    if (pin !== undefined) {
      try {
        s.login(bytesToUtf8(pin), as);
      } catch (e) {
        s.close();
        throw e;
      }
    }
    return s;
  }

  async #execute(
    step: CeremonyStep,
    pins: Map<string, Uint8Array>,
  ): Promise<{ outcome: Record<string, unknown>; publicKeys: Record<string, string> }> {
    const script = this.#opts.script;
    const pin = (t: string, s: PinKind) => pins.get(`${t}/${s}`) as Uint8Array;
    switch (step.kind) {
      case 'init-token':
        return { outcome: await this.#initToken(step.token), publicKeys: {} };
      case 'generate-key':
      case 'rotate-key': {
        const s = this.#session(step.token, pin(step.token, 'user'));
        try {
          const label = keyLabel(script, step.key.class, step.key.name);
          const pair = s.generateKeyPair(step.key.type, {
            label,
            id: randomBytes(8),
            backupable: step.key.backupable === true,
          });
          const k = this.#keyOutcome(step, pair, s);
          this.#partial.push(k);
          const publicKeys = { [`${step.token}/${step.key.name}`]: k.publicKey as string };
          if (step.kind === 'generate-key') return { outcome: { key: k }, publicKeys };
          const old = findKey(this.#state, step.token, step.from) as KeyRecord;
          const oldPair = this.#findPair(s, old);
          const oldId = keyId(oldPair.type, oldPair.publicKey);
          const statement = rotationStatement(script.id, step.id, oldId, k.keyid as string, label);
          const oldSignature = toBase64url(s.sign(oldPair, statement).signature);
          const newSignature = toBase64url(s.sign(pair, statement).signature);
          return { outcome: { key: k, old: oldId, oldSignature, newSignature }, publicKeys };
        } finally {
          s.close();
        }
      }
      case 'generate-seal-key': {
        const s = this.#session(step.token, pin(step.token, 'user'));
        try {
          const label = keyLabel(script, step.key.class, step.key.name);
          const k = s.generateAesKey({ label, id: randomBytes(8), backupable: step.key.backupable === true });
          const key = {
            token: step.token,
            name: step.key.name,
            label,
            id: bytesToHex(k.id),
            attributes: k.attributes,
            kcv: aesKcv(s, k.handle),
          };
          this.#partial.push(key);
          return { outcome: { key }, publicKeys: {} };
        } finally {
          s.close();
        }
      }
      case 'backup-key':
        return { outcome: this.#backup(step, pin), publicKeys: {} };
      case 'retire-key': {
        const s = this.#session(step.token, pin(step.token, 'user'));
        try {
          const k = findKey(this.#state, step.token, step.key) as KeyRecord;
          const objects = s.findObjects({ label: k.label });
          for (const o of objects) s.destroy(o);
          const left = s.findObjects({ label: k.label });
          if (left.length > 0)
            throw new QtError(
              'QT_CEREMONY_RETIRE',
              `${left.length} objects labelled ${k.label} remain after destruction`,
            );
          return {
            outcome: {
              token: step.token,
              key: step.key,
              label: k.label,
              destroyed: objects.length,
              absent: true,
            },
            publicKeys: {},
          };
        } finally {
          s.close();
        }
      }
    }
  }

  #keyOutcome(
    step: CeremonyStep & { token: string },
    pair: HsmKeyPair,
    s: HsmSession,
  ): Record<string, unknown> {
    const keyid = keyId(pair.type, pair.publicKey);
    const base = {
      token: step.token,
      name: (step as { key: { name: string } }).key.name,
      label: pair.label,
      id: bytesToHex(pair.id),
      type: pair.type,
      publicKey: toBase64url(pair.publicKey),
      keyid,
      attributes: pair.attributes,
    };
    this.#partial.push({ ...base, selfTest: null });
    const selfTest = toBase64url(
      s.sign(pair, selfTestMessage(this.#opts.script.id, step.id, pair.label)).signature,
    );
    this.#partial.pop();
    return { ...base, selfTest };
  }

  #findPair(s: HsmSession, k: KeyRecord): HsmKeyPair {
    const [priv] = s.findObjects({ label: k.label, class: 'private' }, 2);
    if (priv === undefined || k.publicKey === undefined || k.type === 'aes-256') {
      throw new QtError('QT_HSM_KEY_NOT_FOUND', `key ${k.label} is not on token ${k.token}`);
    }
    return {
      type: k.type,
      label: k.label,
      id: new Uint8Array(0),
      privateHandle: priv,
      publicHandle: priv,
      publicKey: fromBase64url(k.publicKey),
      attributes: s.readAttributes(priv),
    };
  }

  async #initToken(token: string): Promise<Record<string, unknown>> {
    const script = this.#opts.script;
    const t = script.tokens.find((x) => x.name === token) as CeremonyScript['tokens'][number];
    const mod = this.#opts.module;
    const slot = mod.tokens().find((x) => (t.serial === undefined ? !x.initialized : x.serial === t.serial));
    if (slot === undefined) {
      throw new QtError(
        'QT_HSM_TOKEN_ABSENT',
        t.serial === undefined
          ? 'no uninitialised token is present to initialise; insert one'
          : `no token with serial ${t.serial} is present`,
      );
    }
    const soPin = generatePin();
    const userPin = generatePin();
    try {
      mod.initToken(slot.slot, bytesToUtf8(soPin), t.label);
      const s = this.#session(token, soPin, 'so');
      try {
        s.initUserPin(bytesToUtf8(userPin));
      } finally {
        s.close();
      }
      const serial = mod.findToken({ label: t.label }).serial;
      const outcome: {
        token: { label: string; serial: string };
        pins: Record<string, string>;
        shares: Record<string, unknown>[];
      } = {
        token: { label: t.label, serial },
        pins: {},
        shares: [],
      };
      for (const [secret, value] of [
        ['user', userPin],
        ['so', soPin],
      ] as const) {
        const { shares, pinCommitment } = await splitPin(
          {
            ceremony: script.id,
            token,
            label: t.label,
            secret,
            threshold: script.roles.custodians.quorum,
            custodians: script.roles.custodians.members,
            ...(this.#opts.scrypt ? { scrypt: this.#opts.scrypt } : {}),
            ...(this.#opts.kdf ? { kdf: this.#opts.kdf } : {}),
          },
          value,
          this.#opts.passphraseOf,
        );
        outcome.pins[secret] = pinCommitment;
        this.#custody.set(`${token}/${secret}`, {
          ceremony: script.id,
          threshold: script.roles.custodians.quorum,
          pin: pinCommitment,
          shares: new Map(shares.map((x) => [x.custodian, x.commitment])),
          fromInit: true,
        });
        for (const x of shares)
          outcome.shares.push({ custodian: x.custodian, secret, index: x.index, commitment: x.commitment });
        this.shares.push(...shares);
      }
      return outcome;
    } finally {
      wipe(soPin, userPin);
    }
  }

  #backup(
    step: Extract<CeremonyStep, { kind: 'backup-key' }>,
    pin: (t: string, s: PinKind) => Uint8Array,
  ): Record<string, unknown> {
    const k = findKey(this.#state, step.from, step.key) as KeyRecord;
    const api = this.#opts.module.api;
    const kekLabel = `qt:transport:${bytesToHex(randomBytes(6))}`;
    const target = this.#session(step.to, pin(step.to, 'user'));
    try {
      const so = this.#session(step.from, pin(step.from, 'so'), 'so');
      let kekOnTarget: Buffer;
      try {
        ({ kekOnTarget } = prepareTransport(api, so, target, kekLabel));
      } finally {
        so.close();
      }
      const source = this.#session(step.from, pin(step.from, 'user'));
      try {
        const cls = k.type === 'aes-256' ? 'secret' : 'private';
        const [handle] = source.findObjects({ label: k.label, class: cls }, 2);
        if (handle === undefined)
          throw new QtError('QT_HSM_KEY_NOT_FOUND', `key ${k.label} is not on token ${step.from}`);
        const idAttr = api.C_GetAttributeValue(source.handle, handle, [{ type: 0x102 }])[0]?.value as Buffer;
        const bk =
          k.type === 'aes-256'
            ? { kind: 'aes' as const, label: k.label, id: new Uint8Array(idAttr), handle }
            : {
                kind: 'ec' as const,
                type: k.type as 'p256' | 'secp256k1',
                label: k.label,
                id: new Uint8Array(idAttr),
                handle,
                publicKey: fromBase64url(k.publicKey),
              };
        const moved = moveKey(api, source, target, kekOnTarget, kekLabel, bk);
        this.#partial.push({ token: step.to, label: k.label, copiedFrom: step.from });
        const base = {
          from: step.from,
          to: step.to,
          key: step.key,
          label: k.label,
          type: k.type,
          attributes: moved.attributes,
        };
        if (bk.kind === 'aes')
          return { ...base, kcvSource: aesKcv(source, handle), kcvTarget: aesKcv(target, moved.handle) };
        const pair = backedUpPair(bk, moved.handle, moved.attributes);
        return {
          ...base,
          selfTest: toBase64url(
            target.sign(pair, selfTestMessage(this.#opts.script.id, step.id, k.label)).signature,
          ),
        };
      } finally {
        source.close();
      }
    } finally {
      target.close();
    }
  }
}

export function isRefusal(e: unknown): boolean {
  return isQtError(e) && REFUSALS.has(e.code);
}

/** Plain words for a step: what will happen, who must be there. */
export function describeStep(script: CeremonyScript, req: StepRequirements): string {
  const step = req.step;
  const label = (t: string) => script.tokens.find((x) => x.name === t)?.label ?? t;
  const who = `The administrator ${script.roles.administrator} and at least ${req.witnesses} witness(es) must be present.`;
  const pins =
    req.userPin.length + req.soPin.length > 0
      ? ` ${req.quorum} custodians must present their shares of the ${[...req.userPin.map((t) => `user PIN of ${label(t)}`), ...req.soPin.map((t) => `SO PIN of ${label(t)}`)].join(', ')}.`
      : '';
  let what: string;
  switch (step.kind) {
    case 'init-token':
      what = `Initialise token ${label(step.token)}: ERASES it, generates random SO and user PINs that nobody sees, and seals one share of each to every custodian (${req.quorum} of ${script.roles.custodians.members.length} needed).`;
      break;
    case 'generate-key':
      what = `Generate a ${step.key.type} signing key ${keyLabel(script, step.key.class, step.key.name)} on ${label(step.token)} (${step.key.backupable ? 'extractable only under a trusted key, for backup' : 'never extractable'}), read back its attributes and sign a self-test.`;
      break;
    case 'generate-seal-key':
      what = `Generate the AES-256 key ${keyLabel(script, step.key.class, step.key.name)} on ${label(step.token)} that seals post-quantum seeds.`;
      break;
    case 'rotate-key':
      what = `Rotate ${step.from} on ${label(step.token)}: generate ${keyLabel(script, step.key.class, step.key.name)}; the old key signs a statement naming the new key, the new key countersigns; the old key is marked retiring.`;
      break;
    case 'backup-key':
      what = `Back up key ${step.key} from ${label(step.from)} to ${label(step.to)} under a trusted transport key, then sign a self-test on the copy.`;
      break;
    case 'retire-key':
      what = `Retire key ${step.key} on ${label(step.token)}: destroy its objects and verify they are gone.`;
      break;
  }
  return `Step ${req.index + 1} of ${script.steps.length} (${step.id}): ${what} ${who}${pins}`;
}
