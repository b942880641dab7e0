/**
 * The tenant's active policy (docs/app.md, "Policies"): who may sign policies, which signed policy
 * is loaded, and what-if decisions under it.
 *
 * Files, in `<tenant dir>/policy/`:
 * - `signers.json`: the trusted policy signer keys, a public key set (the format of public.json).
 *   Every key must have signed a policy for it to load (the envelope all-of rule).
 * - `active.json`: the signed policy envelope as loaded. It is verified again on every start, and its
 *   head (name, version, hash) is what `acceptPolicyUpdate` compares an incoming policy with, so a
 *   lower version, or another document under the same version, is refused (rollback protection).
 *
 * Changing trust is a critical action. Until such changes go through the policy engine and
 * approvals like any other (the "no implicit admin" rule; TODO in docs/app.md), the signer set can
 * be set once, when none is configured, and never replaced through the app.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalize, parseJson, parseJsonBytes, type JsonValue } from '../../src-shared/canonical.js';
import { isPlainObject } from '../../src-shared/bytes.js';
import { QtError, isQtError } from '../../src-shared/errors.js';
import { decodePublicKeySet } from '../../src-shared/keys/index.js';
import {
  acceptPolicyUpdate,
  checkPolicy,
  compilePolicy,
  evaluate,
  loadSignedPolicy,
  type CompiledPolicy,
  type LoadedPolicy,
  type PolicyUpdate,
} from '../../src-shared/policy/index.js';
import type { PublicKeyEntry } from '../../src-shared/sign/index.js';
import { writeFileAtomic } from '../keys/atomic-write.js';

export const POLICY_DIR = 'policy';
export const SIGNERS_FILE = 'signers.json';
export const ACTIVE_FILE = 'active.json';

export interface PolicySignerView {
  readonly suite: string;
  readonly keyid: string;
}

export interface PolicyRuleView {
  readonly id: string;
  readonly effect: 'allow' | 'deny';
  readonly subjects: string[];
  readonly actions: string[];
  readonly resources: string[];
  /** The rule's condition as canonical JSON text, or null when it has none. */
  readonly when: string | null;
  readonly approvals: { quorum: number; from: string[]; allowRequester: boolean } | null;
  readonly grantTtlSeconds: number | null;
  readonly description: string | null;
}

export interface PolicyView {
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  readonly description: string | null;
  /** Key ids whose signatures verified. */
  readonly signedBy: string[];
  readonly rules: PolicyRuleView[];
  readonly warnings: { ruleId: string; kind: string; message: string }[];
}

export interface PolicyState {
  readonly signers: PolicySignerView[];
  readonly policy: PolicyView | null;
  /** Why the stored configuration could not be used (the policy is then not loaded: fail closed). */
  readonly problem: string | null;
}

export interface SimulationInput {
  readonly subject: string;
  readonly groups: string[];
  readonly action: string;
  readonly resource: string;
  /** The request context as JSON text (parsed strictly here: duplicate keys are refused). */
  readonly context: string;
  readonly time: string;
}

export interface SimulationResult {
  readonly decision: 'allow' | 'deny' | 'pending';
  readonly rules: string[];
  readonly errors: { ruleId: string; message: string; path: string }[];
  readonly obligations: {
    ruleId: string;
    quorum: number;
    from: string[];
    allowRequester: boolean;
    grantTtlSeconds: number | null;
  }[];
  readonly grantTtlSeconds: number | null;
  readonly policyHash: string;
  readonly requestHash: string;
}

export interface LoadResult {
  readonly update: PolicyUpdate;
  readonly name: string;
  readonly version: number;
  readonly hash: string;
}

interface Active {
  readonly loaded: LoadedPolicy;
  readonly compiled: CompiledPolicy;
}

function readOptional(path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new QtError('QT_IO', `cannot read ${path}`, { path, cause: e });
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function ruleViews(loaded: LoadedPolicy): PolicyRuleView[] {
  // The raw document keeps what evaluation ignores (descriptions) and the conditions as written.
  const doc = loaded.policy.document as { rules?: unknown[] };
  const raw = new Map<string, Record<string, unknown>>();
  for (const r of doc.rules ?? []) if (isPlainObject(r) && typeof r.id === 'string') raw.set(r.id, r);
  return [...loaded.policy.rules]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((rule) => {
      const r = raw.get(rule.id);
      return {
        id: rule.id,
        effect: rule.effect,
        subjects: [...rule.subjects],
        actions: [...rule.actions],
        resources: [...rule.resources],
        when: r?.when === undefined ? null : canonicalize(r.when),
        approvals:
          rule.approvals === undefined
            ? null
            : {
                quorum: rule.approvals.quorum,
                from: [...rule.approvals.from],
                allowRequester: rule.approvals.allowRequester,
              },
        grantTtlSeconds: rule.grantTtlSeconds ?? null,
        description: text(r?.description),
      };
    });
}

export class PolicyService {
  readonly #dir: string;
  #signers: PublicKeyEntry[] | undefined;
  #active: Active | undefined;
  #problem: string | null = null;

  /** `tenantDir` is the tenant's data directory; the policy files live in its `policy/` folder. */
  constructor(tenantDir: string) {
    this.#dir = join(tenantDir, POLICY_DIR);
    this.#reload();
  }

  /** Reads the stored signers and policy again, verifying the policy as if it were loaded anew. */
  #reload(): void {
    this.#signers = undefined;
    this.#active = undefined;
    this.#problem = null;
    try {
      const signers = readOptional(join(this.#dir, SIGNERS_FILE));
      if (signers === undefined) return;
      this.#signers = decodePublicKeySet(parseJsonBytes(signers));
      const active = readOptional(join(this.#dir, ACTIVE_FILE));
      if (active === undefined) return;
      const loaded = loadSignedPolicy(parseJsonBytes(active), this.#signers);
      this.#active = { loaded, compiled: compilePolicy(loaded.policy) };
    } catch (e) {
      // A stored file that no longer verifies leaves no policy loaded, and says why.
      this.#active = undefined;
      this.#problem = isQtError(e)
        ? `${e.code}: ${e.message}`
        : 'the stored policy configuration is unreadable';
    }
  }

  read(): PolicyState {
    const active = this.#active;
    return {
      signers: (this.#signers ?? []).map((k) => ({ suite: k.suite, keyid: k.keyid })),
      problem: this.#problem,
      policy:
        active === undefined
          ? null
          : {
              name: active.loaded.head.name,
              version: active.loaded.head.version,
              hash: active.loaded.head.hash,
              description: text((active.loaded.policy.document as { description?: unknown }).description),
              signedBy: [...active.loaded.keyids],
              rules: ruleViews(active.loaded),
              warnings: checkPolicy(active.loaded.policy).map((w) => ({
                ruleId: w.ruleId,
                kind: w.kind,
                message: w.message,
              })),
            },
    };
  }

  /** Sets the trusted policy signers, once: replacing configured trust is refused (see the file comment). */
  async setSigners(publicKeySet: string): Promise<{ signers: PolicySignerView[] }> {
    if (this.#signers !== undefined) {
      throw new QtError(
        'QT_POLICY_SIGNERS_LOCKED',
        'policy signers are already configured; changing trust is a critical action the app does not offer yet',
      );
    }
    let keys: PublicKeyEntry[];
    try {
      keys = decodePublicKeySet(parseJson(publicKeySet));
    } catch (e) {
      if (!isQtError(e)) throw e;
      throw new QtError(e.code, `public key set: ${e.message}`, { path: e.path ?? '$', cause: e });
    }
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(
      join(this.#dir, SIGNERS_FILE),
      new TextEncoder().encode(`${publicKeySet.trim()}\n`),
      0o600,
    );
    this.#reload();
    return { signers: keys.map((k) => ({ suite: k.suite, keyid: k.keyid })) };
  }

  /** Verifies a signed policy envelope (JSON text) and makes it the active policy, unless it is a rollback. */
  async load(envelopeText: string): Promise<LoadResult> {
    const signers = this.#signers;
    if (signers === undefined) {
      throw new QtError(
        'QT_POLICY_NO_SIGNERS',
        'configure the trusted policy signers before loading a policy',
      );
    }
    let envelope: JsonValue;
    try {
      envelope = parseJson(envelopeText);
    } catch (e) {
      throw new QtError(
        'QT_ENVELOPE_FORMAT',
        `the policy file is not JSON: ${isQtError(e) ? e.message : ''}`,
        {
          path: isQtError(e) ? (e.path ?? '$') : '$',
          cause: e,
        },
      );
    }
    const loaded = loadSignedPolicy(envelope, signers);
    const update = acceptPolicyUpdate(this.#active?.loaded.head, loaded.head);
    if (update !== 'same') {
      mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(
        join(this.#dir, ACTIVE_FILE),
        new TextEncoder().encode(`${canonicalize(envelope)}\n`),
        0o600,
      );
      this.#reload();
    }
    return { update, ...loaded.head };
  }

  /** The decision the active policy would give (no approvals counted): a what-if, nothing is recorded. */
  simulate(input: SimulationInput): SimulationResult {
    const active = this.#active;
    if (active === undefined) throw new QtError('QT_POLICY_NOT_LOADED', 'no policy is loaded');
    let context: JsonValue;
    try {
      context = parseJson(input.context.trim() === '' ? '{}' : input.context);
    } catch (e) {
      throw new QtError('QT_REQUEST_INVALID', `context is not valid JSON: ${isQtError(e) ? e.message : ''}`, {
        path: '$.context',
        cause: e,
      });
    }
    const d = evaluate(active.compiled, {
      subject: { id: input.subject, groups: input.groups },
      action: input.action,
      resource: input.resource,
      context,
      time: input.time,
    });
    return {
      decision: d.decision,
      rules: [...d.rules],
      errors: d.errors.map((e) => ({ ruleId: e.ruleId, message: e.message, path: e.path })),
      obligations: d.obligations.map((o) => ({
        ruleId: o.ruleId,
        quorum: o.quorum,
        from: [...o.from],
        allowRequester: o.allowRequester,
        grantTtlSeconds: o.grantTtlSeconds ?? null,
      })),
      grantTtlSeconds: d.grantTtlSeconds ?? null,
      policyHash: d.policyHash,
      requestHash: d.requestHash,
    };
  }
}
