/**
 * Ceremony scripts (docs/ceremonies.md, "Scripts"): who takes part (one administrator, N custodians
 * with a quorum M, witnesses), which tokens, and the ordered steps. A script is attacker-controlled
 * input until proven otherwise: parsing checks the shape with zod, then `checkScript` checks the
 * meaning (distinct names, roles that do not overlap, references that resolve, keys used only after
 * they exist, no Ed25519 backup) by replaying the steps through the same rules the state machine
 * enforces, so a script that parses can also run to its end.
 */
import { z } from 'zod';
import { fromBase64url } from '../bytes.js';
import { QtError } from '../errors.js';

export const SCRIPT_TYPE = 'qtrust/ceremony-script';
export const MAX_STEPS = 64;
export const MAX_CUSTODIANS = 16;

const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const TOKEN_LABEL = /^[A-Za-z0-9._-]{1,32}$/;
const id = z.string().regex(ID, 'must be 1-32 characters of a-z 0-9 - (starting with a letter or digit)');
const b64 = z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be unpadded base64url');

export type HsmKeyKind = 'p256' | 'ed25519' | 'secp256k1';

const keySpec = z.strictObject({
  name: id,
  class: id,
  type: z.enum(['p256', 'ed25519', 'secp256k1']),
  backupable: z.boolean().optional(),
});
const sealKeySpec = z.strictObject({ name: id, class: id, backupable: z.boolean().optional() });

const stepSchema = z.discriminatedUnion('kind', [
  z.strictObject({ id, kind: z.literal('init-token'), token: id }),
  z.strictObject({ id, kind: z.literal('generate-key'), token: id, key: keySpec }),
  z.strictObject({ id, kind: z.literal('generate-seal-key'), token: id, key: sealKeySpec }),
  z.strictObject({ id, kind: z.literal('rotate-key'), token: id, from: id, key: keySpec }),
  z.strictObject({ id, kind: z.literal('backup-key'), from: id, to: id, key: id }),
  z.strictObject({ id, kind: z.literal('retire-key'), token: id, key: id }),
]);

const custodianSchema = z.strictObject({
  id,
  /** Where this custodian's shares are sealed: an X25519 public key, or a passphrase they type. */
  seal: z.union([
    z.strictObject({ x25519: b64.length(43) }),
    z.strictObject({ passphrase: z.literal(true) }),
  ]),
});

export const scriptSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal(SCRIPT_TYPE),
  id,
  title: z.string().min(1).max(200),
  tenant: id,
  env: id,
  roles: z.strictObject({
    administrator: id,
    custodians: z.strictObject({
      quorum: z.number().int().min(2).max(MAX_CUSTODIANS),
      members: z.array(custodianSchema).min(2).max(MAX_CUSTODIANS),
    }),
    witnesses: z.strictObject({
      required: z.number().int().min(0).max(16),
      members: z.array(id).max(16),
    }),
  }),
  tokens: z
    .array(
      z.strictObject({
        name: id,
        label: z.string().regex(TOKEN_LABEL, 'must be 1-32 characters of A-Z a-z 0-9 . _ -'),
        serial: z
          .string()
          .regex(/^[A-Za-z0-9]{1,16}$/)
          .optional(),
      }),
    )
    .min(1)
    .max(4),
  /** Keys made by an earlier ceremony that this one rotates, backs up or retires. */
  existingKeys: z
    .array(
      z.strictObject({
        token: id,
        name: id,
        class: id,
        type: z.enum(['p256', 'ed25519', 'secp256k1', 'aes-256']),
        publicKey: b64.max(100).optional(),
        backupable: z.boolean().optional(),
      }),
    )
    .max(64)
    .optional(),
  steps: z.array(stepSchema).min(1).max(MAX_STEPS),
});

export type CeremonyScript = z.infer<typeof scriptSchema>;
export type CeremonyStep = CeremonyScript['steps'][number];
export type StepKind = CeremonyStep['kind'];

function pathOf(path: readonly PropertyKey[]): string {
  return ['$', ...path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('');
}

export function scriptError(path: string, message: string, cause?: unknown): QtError {
  return new QtError('QT_CEREMONY_SCRIPT', `ceremony script ${path}: ${message}`, { path, cause });
}

/** The HSM label of a key: `qt:<tenant>:<env>:<class>:<name>` (at most 64 characters, the adapter's limit). */
export function keyLabel(script: Pick<CeremonyScript, 'tenant' | 'env'>, cls: string, name: string): string {
  return `qt:${script.tenant}:${script.env}:${cls}:${name}`;
}

/** Parses and checks a script (a JSON value, e.g. from JSON.parse or YAML). Failures are QT_CEREMONY_SCRIPT with the path. */
export function parseScript(value: unknown): CeremonyScript {
  const r = scriptSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0] as z.core.$ZodIssue;
    throw scriptError(pathOf(issue.path), issue.message, r.error);
  }
  checkScript(r.data);
  return r.data;
}

interface KeyState {
  readonly type: HsmKeyKind | 'aes-256';
  readonly backupable: boolean;
}

/** Meaning checks, beyond shape. Exported for the state machine, which calls it before starting. */
export function checkScript(s: CeremonyScript): void {
  const { administrator, custodians, witnesses } = s.roles;
  const people = new Map<string, string>();
  const claim = (who: string, role: string, path: string) => {
    const had = people.get(who);
    if (had !== undefined)
      throw scriptError(path, `participant "${who}" already holds the role ${had}; roles must not overlap`);
    people.set(who, role);
  };
  claim(administrator, 'administrator', '$.roles.administrator');
  custodians.members.forEach((c, i) => claim(c.id, 'custodian', `$.roles.custodians.members[${i}].id`));
  witnesses.members.forEach((w, i) => claim(w, 'witness', `$.roles.witnesses.members[${i}]`));
  if (custodians.quorum > custodians.members.length) {
    throw scriptError(
      '$.roles.custodians.quorum',
      `quorum ${custodians.quorum} is more than the ${custodians.members.length} custodians`,
    );
  }
  if (witnesses.required > witnesses.members.length) {
    throw scriptError(
      '$.roles.witnesses.required',
      `${witnesses.required} witnesses required but only ${witnesses.members.length} named`,
    );
  }
  custodians.members.forEach((c, i) => {
    if ('x25519' in c.seal) {
      try {
        fromBase64url(c.seal.x25519, 'x25519');
      } catch (cause) {
        throw scriptError(
          `$.roles.custodians.members[${i}].seal.x25519`,
          'is not canonical base64url',
          cause,
        );
      }
    }
  });
  const tokens = new Set<string>();
  const labels = new Set<string>();
  s.tokens.forEach((t, i) => {
    if (tokens.has(t.name)) throw scriptError(`$.tokens[${i}].name`, `token "${t.name}" is named twice`);
    if (labels.has(t.label)) throw scriptError(`$.tokens[${i}].label`, `label "${t.label}" is used twice`);
    tokens.add(t.name);
    labels.add(t.label);
  });
  const initialised = new Set<string>();
  const keys = new Map<string, Map<string, KeyState>>([...tokens].map((t) => [t, new Map()]));
  const tokenRef = (name: string, path: string) => {
    if (!tokens.has(name)) throw scriptError(path, `names no token of the script ("${name}")`);
    return keys.get(name) as Map<string, KeyState>;
  };
  (s.existingKeys ?? []).forEach((k, i) => {
    const held = tokenRef(k.token, `$.existingKeys[${i}].token`);
    if (held.has(k.name)) throw scriptError(`$.existingKeys[${i}].name`, `key "${k.name}" is listed twice`);
    if (k.type !== 'aes-256' && k.publicKey === undefined) {
      throw scriptError(`$.existingKeys[${i}].publicKey`, `a ${k.type} key needs its public key`);
    }
    held.set(k.name, { type: k.type, backupable: k.backupable === true });
    initialised.add(k.token);
  });
  const stepIds = new Set<string>();
  const addKey = (held: Map<string, KeyState>, name: string, cls: string, state: KeyState, path: string) => {
    if (held.has(name)) throw scriptError(path, `key "${name}" already exists on this token`);
    if (keyLabel(s, cls, name).length > 64) {
      throw scriptError(path, `the label ${keyLabel(s, cls, name)} is longer than 64 characters`);
    }
    held.set(name, state);
  };
  const needKey = (held: Map<string, KeyState>, name: string, path: string): KeyState => {
    const k = held.get(name);
    if (k === undefined) throw scriptError(path, `key "${name}" does not exist on this token at this step`);
    return k;
  };
  const needInit = (token: string, path: string) => {
    if (!initialised.has(token)) {
      throw scriptError(path, `token "${token}" is used before an init-token step (or existing key) for it`);
    }
  };
  s.steps.forEach((step, i) => {
    const at = `$.steps[${i}]`;
    if (stepIds.has(step.id)) throw scriptError(`${at}.id`, `step id "${step.id}" is used twice`);
    stepIds.add(step.id);
    switch (step.kind) {
      case 'init-token': {
        tokenRef(step.token, `${at}.token`);
        if (initialised.has(step.token)) {
          throw scriptError(
            `${at}.token`,
            `token "${step.token}" is initialised twice (that would erase its keys)`,
          );
        }
        initialised.add(step.token);
        break;
      }
      case 'generate-key':
      case 'generate-seal-key': {
        const held = tokenRef(step.token, `${at}.token`);
        needInit(step.token, `${at}.token`);
        const type = step.kind === 'generate-key' ? step.key.type : 'aes-256';
        addKey(
          held,
          step.key.name,
          step.key.class,
          { type, backupable: step.key.backupable === true },
          `${at}.key.name`,
        );
        break;
      }
      case 'rotate-key': {
        const held = tokenRef(step.token, `${at}.token`);
        needInit(step.token, `${at}.token`);
        const old = needKey(held, step.from, `${at}.from`);
        if (old.type === 'aes-256')
          throw scriptError(`${at}.from`, 'a seal key signs nothing; rotate signing keys only');
        addKey(
          held,
          step.key.name,
          step.key.class,
          { type: step.key.type, backupable: step.key.backupable === true },
          `${at}.key.name`,
        );
        break;
      }
      case 'backup-key': {
        const from = tokenRef(step.from, `${at}.from`);
        const to = tokenRef(step.to, `${at}.to`);
        if (step.from === step.to) throw scriptError(`${at}.to`, 'a backup goes to a second token');
        needInit(step.from, `${at}.from`);
        needInit(step.to, `${at}.to`);
        const k = needKey(from, step.key, `${at}.key`);
        if (k.type === 'ed25519') {
          throw new QtError(
            'QT_CEREMONY_BACKUP_UNSUPPORTED',
            `ceremony script ${at}.key: "${step.key}" is an Ed25519 key, and SoftHSM-class tokens cannot wrap Ed25519 private keys, so it can never be backed up; use a P-256 key where backup is required`,
            { path: `${at}.key` },
          );
        }
        if (!k.backupable) {
          throw new QtError(
            'QT_CEREMONY_BACKUP_UNSUPPORTED',
            `ceremony script ${at}.key: "${step.key}" was not created backupable (CKA_WRAP_WITH_TRUSTED); generate it with backupable: true`,
            { path: `${at}.key` },
          );
        }
        if (to.has(step.key))
          throw scriptError(`${at}.key`, `token "${step.to}" already holds a key "${step.key}"`);
        to.set(step.key, k);
        break;
      }
      case 'retire-key': {
        const held = tokenRef(step.token, `${at}.token`);
        needInit(step.token, `${at}.token`);
        needKey(held, step.key, `${at}.key`);
        held.delete(step.key);
        break;
      }
    }
  });
}
