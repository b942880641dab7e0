/**
 * The ceremony service: what the Ceremonies screen (and the CLI) drive. One ceremony at a time per
 * service. Every method validates its input first; the state machine decides what may happen; the
 * transcript is written to `<tenantDir>/ceremonies/<id>.transcript.json` after every entry, each entry
 * is appended to the evidence log (kind "ceremony") when one is given, and the sealed shares go to
 * `<tenantDir>/ceremonies/<id>/shares/` for hand-over to their custodians.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { astring } from '../../src-shared/bytes.js';
import type { CeremonyState } from '../../src-shared/ceremony/machine.js';
import type { CeremonyScript } from '../../src-shared/ceremony/script.js';
import { parseCeremonyTrust, updateKeyHistoryFromTranscript } from '../../src-shared/ceremony/trust.js';
import {
  verifyTranscript,
  type SignedEntry,
  type Transcript,
  type TranscriptReport,
} from '../../src-shared/ceremony/transcript.js';
import { QtError } from '../../src-shared/errors.js';
import type { Kdf, ScryptParams } from '../../src-shared/keys/index.js';
import type { SecretKeyEntry } from '../../src-shared/sign/index.js';
import { nodeSuiteBackend } from '../crypto/node-backend.js';
import type { Pkcs11Module, TokenSelector } from '../hsm/module.js';
import { parseSealedShare, type CustodianSecret } from './custody.js';
import {
  MAX_TRANSCRIPT_BYTES,
  listScripts,
  loadScript,
  readStructured,
  updateKeyRegistry,
  writeJson,
} from './files.js';
import { CeremonyRunner } from './runner.js';

export interface EvidenceSink {
  append(kind: 'ceremony', body: unknown): Promise<unknown>;
}

export interface CeremonyServiceOptions {
  readonly module: Pkcs11Module;
  readonly scriptsDir: string;
  readonly tenantDir: string;
  readonly evidence?: EvidenceSink;
  /** A ceremony trust file whose key history each finished ceremony updates (docs/ceremonies.md). */
  readonly trustFile?: string;
  readonly now?: () => string;
  readonly scrypt?: ScryptParams;
  readonly kdf?: Kdf;
}

export interface QuorumProgress {
  readonly step: string | null;
  readonly quorum: number;
  readonly pins: readonly { readonly token: string; readonly secret: 'user' | 'so' }[];
  readonly present: readonly string[];
}

export class CeremonyService {
  #runner: CeremonyRunner | undefined;
  #script: CeremonyScript | undefined;
  readonly #opts: CeremonyServiceOptions;

  constructor(opts: CeremonyServiceOptions) {
    this.#opts = opts;
  }

  listScripts(): ReturnType<typeof listScripts> {
    return listScripts(this.#opts.scriptsDir);
  }

  /** Whether the token is present and initialised, and which mechanisms it offers. */
  checkToken(sel: TokenSelector): {
    present: boolean;
    label?: string;
    serial?: string;
    initialized?: boolean;
    mechanisms?: number;
  } {
    const found = this.#opts.module
      .tokens()
      .filter(
        (t) =>
          (sel.label === undefined || t.label === sel.label) &&
          (sel.serial === undefined || t.serial === sel.serial),
      );
    const t = found[0];
    if (t === undefined) return { present: false };
    return {
      present: true,
      label: t.label,
      serial: t.serial,
      initialized: t.initialized,
      ...(t.initialized ? { mechanisms: this.#opts.module.mechanisms(sel).length } : {}),
    };
  }

  /** Opens a script for a ceremony; `signers` are the participants' unlocked software keys. */
  async open(
    scriptFile: string,
    signers: ReadonlyMap<string, readonly SecretKeyEntry[]>,
    opts: { passphraseOf?: (c: string) => Promise<Uint8Array> } = {},
  ): Promise<CeremonyScript> {
    astring(scriptFile, 'scriptFile', { nonEmpty: true });
    if (
      this.#runner !== undefined &&
      this.#runner.state.status === 'open' &&
      this.#runner.transcript.entries.length > 0
    ) {
      throw new QtError('QT_CEREMONY_STATE', `ceremony ${this.#script?.id} is still in progress`);
    }
    const script = await loadScript(join(this.#opts.scriptsDir, scriptFile));
    this.#script = script;
    this.#runner = new CeremonyRunner({
      module: this.#opts.module,
      script,
      signers,
      now: this.#opts.now ?? (() => new Date().toISOString()),
      backend: nodeSuiteBackend,
      ...(opts.passphraseOf ? { passphraseOf: opts.passphraseOf } : {}),
      ...(this.#opts.scrypt ? { scrypt: this.#opts.scrypt } : {}),
      ...(this.#opts.kdf ? { kdf: this.#opts.kdf } : {}),
      onEntry: (e) => this.#persist(e),
    });
    return script;
  }

  #active(): CeremonyRunner {
    if (this.#runner === undefined) throw new QtError('QT_CEREMONY_STATE', 'no ceremony is open');
    return this.#runner;
  }

  checkIn(participant: string): CeremonyState {
    astring(participant, 'participant', { nonEmpty: true, maxLength: 32 });
    this.#active().checkIn(participant);
    return this.#active().state;
  }

  /** Exactly what the next step will do, and what it needs. */
  describeNext(): { text: string; requirements: ReturnType<CeremonyRunner['requirements']> } {
    const r = this.#active();
    return { text: r.describeNext(), requirements: r.requirements() };
  }

  async presentShare(share: unknown, secret: CustodianSecret): Promise<QuorumProgress> {
    await this.#active().presentShare(parseSealedShare(share), secret);
    return this.quorumProgress();
  }

  quorumProgress(): QuorumProgress {
    const r = this.#active();
    const req = r.requirements();
    return {
      step: req?.step.id ?? null,
      quorum: req?.quorum ?? 0,
      pins:
        req === undefined
          ? []
          : [
              ...req.userPin.map((token) => ({ token, secret: 'user' as const })),
              ...req.soPin.map((token) => ({ token, secret: 'so' as const })),
            ],
      present: r.state.present,
    };
  }

  async performStep(): Promise<SignedEntry> {
    const r = this.#active();
    try {
      return await r.performNext();
    } finally {
      await this.#saveShares();
      if (r.state.status === 'complete' || r.state.status === 'failed') {
        await updateKeyRegistry(this.#opts.tenantDir, r.state.script, r.state.keys);
        if (this.#opts.trustFile !== undefined) await this.#updateTrust(this.#opts.trustFile, r.transcript);
      }
    }
  }

  readTranscript(): Transcript {
    return this.#active().transcript;
  }

  async exportTranscript(path: string): Promise<void> {
    astring(path, 'path', { nonEmpty: true });
    await writeJson(path, this.#active().transcript);
  }

  /** Verifies a transcript file against a ceremony trust file (both JSON). */
  static async verifyFiles(transcriptPath: string, trustPath: string): Promise<TranscriptReport> {
    const trust = parseCeremonyTrust(
      await readStructured(trustPath, MAX_TRANSCRIPT_BYTES, 'QT_CEREMONY_TRUST'),
    );
    const transcript = await readStructured(transcriptPath, MAX_TRANSCRIPT_BYTES, 'QT_CEREMONY_TRANSCRIPT');
    return verifyTranscript(transcript, trust, nodeSuiteBackend);
  }

  async #updateTrust(path: string, transcript: Transcript): Promise<void> {
    const trust = parseCeremonyTrust(await readStructured(path, MAX_TRANSCRIPT_BYTES, 'QT_CEREMONY_TRUST'));
    await writeJson(path, updateKeyHistoryFromTranscript(trust.json, transcript));
  }

  #dir(): string {
    return join(this.#opts.tenantDir, 'ceremonies');
  }

  async #persist(entry: SignedEntry): Promise<void> {
    const r = this.#runner as CeremonyRunner;
    await mkdir(this.#dir(), { recursive: true, mode: 0o700 });
    const t = r.transcript.entries.includes(entry)
      ? r.transcript
      : { ...r.transcript, entries: [...r.transcript.entries, entry] };
    await writeJson(join(this.#dir(), `${entry.entry.ceremony}.transcript.json`), t);
    await this.#opts.evidence?.append('ceremony', {
      ceremony: entry.entry.ceremony,
      seq: entry.entry.seq,
      hash: entry.hash,
      event: entry.entry.event,
      step: entry.entry.step,
      entry: entry.entry,
      attestations: entry.attestations,
    });
  }

  async #saveShares(): Promise<void> {
    const r = this.#active();
    if (r.shares.length === 0) return;
    const dir = join(this.#dir(), r.state.script.id, 'shares');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const s of r.shares)
      await writeJson(join(dir, `${s.token}-${s.secret}-${s.custodian}.json`), s, 0o600);
  }
}
