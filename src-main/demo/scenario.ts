/**
 * The demo's world: a small company ("acme"), its people and groups, its access policy, and the
 * kinds of requests people make, with weights. The generator (generate.ts) draws requests from
 * here; the policy engine, not this file, decides each one. The weights are chosen so that a log
 * shows the everyday shape of authorization traffic: mostly reads that are simply allowed, a steady
 * share of denials (contractors, deletions, a change freeze, missing on-call duty), and critical
 * actions that wait for M-of-N approvals before a grant is issued.
 */
import type { Xoshiro128ss } from './prng.js';

export const DEMO_ORIGIN = 'demo.qtrust.local/acme/desktop-1';
export const ROSTER_NAME = 'acme-ops';
/** 2027-01-04T08:00:00Z, a Monday: the log's first instant. */
export const DEMO_START_MS = Date.UTC(2027, 0, 4, 8, 0, 0);

export interface Person {
  readonly id: string;
  readonly name: string;
  readonly groups: readonly string[];
  /** Roster members approve; `pq` members sign approvals with Ed25519 + ML-DSA-65, others Ed25519 only. */
  readonly approver?: { readonly pq: boolean };
}

export const PEOPLE: readonly Person[] = Object.freeze([
  { id: 'alice', name: 'Alice Archer', groups: ['sre', 'oncall', 'staff'], approver: { pq: true } },
  { id: 'bob', name: 'Bob Baker', groups: ['sre', 'oncall', 'staff'], approver: { pq: false } },
  { id: 'carol', name: 'Carol Chen', groups: ['sre', 'staff'], approver: { pq: false } },
  { id: 'erin', name: 'Erin Evans', groups: ['security', 'security-leads', 'staff'], approver: { pq: true } },
  { id: 'frank', name: 'Frank Fox', groups: ['security', 'staff'], approver: { pq: false } },
  { id: 'grace', name: 'Grace Green', groups: ['data-owners', 'staff'], approver: { pq: false } },
  { id: 'heidi', name: 'Heidi Hart', groups: ['data-owners', 'sre', 'staff'], approver: { pq: false } },
  { id: 'dave', name: 'Dave Dunn', groups: ['developers', 'staff'] },
  { id: 'ivan', name: 'Ivan Ito', groups: ['developers', 'staff'] },
  { id: 'judy', name: 'Judy Jones', groups: ['developers', 'oncall', 'staff'] },
  { id: 'oscar', name: 'Oscar Olsen', groups: ['analysts', 'staff'] },
  { id: 'peggy', name: 'Peggy Park', groups: ['analysts', 'staff'] },
  { id: 'trent', name: 'Trent Tran', groups: ['security', 'staff'] },
  { id: 'mallory', name: 'Mallory Moss', groups: ['contractors'] },
]);

export const APPROVERS: readonly Person[] = PEOPLE.filter((p) => p.approver !== undefined);

function person(id: string): Person {
  const p = PEOPLE.find((x) => x.id === id);
  if (p === undefined) throw new Error(`unknown demo person ${id}`);
  return p;
}

const inGroup = (g: string): Person[] => PEOPLE.filter((p) => p.groups.includes(g));

/** The access policy (docs/policy.md), loaded as a signed document at the start of the log. */
export const DEMO_POLICY = Object.freeze({
  policy: 'acme-prod-access',
  version: 3,
  description: 'demo policy of qtrust demo generate',
  rules: [
    {
      id: 'read-all',
      effect: 'allow',
      subjects: ['group:staff'],
      actions: ['read', 'list'],
      resources: ['*'],
    },
    {
      id: 'restart-oncall',
      effect: 'allow',
      subjects: ['group:oncall'],
      actions: ['restart'],
      resources: ['prod/*', 'staging/*'],
      grantTtlSeconds: 300,
    },
    {
      id: 'deploy-staging',
      effect: 'allow',
      subjects: ['group:developers', 'group:sre'],
      actions: ['deploy'],
      resources: ['staging/*'],
      grantTtlSeconds: 600,
    },
    {
      id: 'deploy-prod',
      effect: 'allow',
      subjects: ['group:developers', 'group:sre'],
      actions: ['deploy'],
      resources: ['prod/*'],
      approvals: { quorum: 2, from: ['sre'] },
      grantTtlSeconds: 900,
    },
    {
      id: 'rotate-kms-key',
      effect: 'allow',
      subjects: ['group:security'],
      actions: ['rotate-key'],
      resources: ['kms/*'],
      approvals: { quorum: 2, from: ['security-leads', 'sre'] },
      grantTtlSeconds: 600,
    },
    {
      id: 'export-data',
      effect: 'allow',
      subjects: ['group:analysts'],
      actions: ['export'],
      resources: ['data/*'],
      approvals: { quorum: 1, from: ['data-owners'] },
      grantTtlSeconds: 1800,
    },
    {
      id: 'change-freeze',
      effect: 'deny',
      subjects: ['*'],
      actions: ['deploy', 'restart'],
      resources: ['prod/*'],
      when: { eq: { attr: 'freeze', value: true } },
    },
    { id: 'no-prod-delete', effect: 'deny', subjects: ['*'], actions: ['delete'], resources: ['prod/*'] },
    {
      id: 'contractors-off-prod',
      effect: 'deny',
      subjects: ['group:contractors'],
      actions: ['*'],
      resources: ['prod/*', 'kms/*', 'data/*'],
    },
    {
      id: 'no-secret-export',
      effect: 'deny',
      subjects: ['*'],
      actions: ['export'],
      resources: ['data/*'],
      when: { eq: { attr: 'classification', value: 'secret' } },
    },
  ],
});

const SERVICES = ['api', 'web', 'billing', 'search', 'auth', 'queue'];
const DATASETS = ['orders', 'customers', 'invoices', 'telemetry'];
const KMS_KEYS = ['signing', 'backup', 'tls'];

/** A request to put to the policy engine (docs/policy.md, "Requests"), without its time. */
export interface DemoRequest {
  readonly subject: Person;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | number | boolean>;
}

function ticket(rng: Xoshiro128ss): string {
  return `CHG-${rng.between(1000, 9999)}`;
}

/** A change freeze is on for about one prod change in ten. */
function change(rng: Xoshiro128ss): Record<string, string | boolean> {
  return { ticket: ticket(rng), freeze: rng.chance(0.1) };
}

/** Request kinds with their weights (per 100 requests). */
const KINDS: readonly (readonly [(rng: Xoshiro128ss) => DemoRequest, number])[] = [
  // Reads: allowed for staff, default-denied for a contractor.
  [
    (rng) => ({
      subject: rng.pick(inGroup('staff')),
      action: rng.pick(['read', 'list']),
      resource: `${rng.pick(['prod', 'staging'])}/${rng.pick(SERVICES)}`,
      context: { client: rng.pick(['desktop', 'cli']) },
    }),
    44,
  ],
  [
    (rng) => ({
      subject: person('mallory'),
      action: rng.pick(['read', 'deploy', 'restart']),
      resource: `prod/${rng.pick(SERVICES)}`,
      context: change(rng),
    }),
    5,
  ],
  // Restarts: allowed (with a grant) for on-call, default-denied for others; the freeze denies.
  [
    (rng) => ({
      subject: rng.pick([...inGroup('oncall'), person('dave'), person('ivan')]),
      action: 'restart',
      resource: `${rng.pick(['prod', 'prod', 'staging'])}/${rng.pick(SERVICES)}`,
      context: change(rng),
    }),
    12,
  ],
  [
    (rng) => ({
      subject: rng.pick(inGroup('developers')),
      action: 'deploy',
      resource: `staging/${rng.pick(SERVICES)}`,
      context: change(rng),
    }),
    8,
  ],
  // Critical actions: pending until approved.
  [
    (rng) => ({
      subject: rng.pick([...inGroup('developers'), person('bob'), person('carol')]),
      action: 'deploy',
      resource: `prod/${rng.pick(SERVICES)}`,
      context: change(rng),
    }),
    12,
  ],
  [
    (rng) => ({
      subject: rng.pick(inGroup('security')),
      action: 'rotate-key',
      resource: `kms/${rng.pick(KMS_KEYS)}`,
      context: { ticket: ticket(rng) },
    }),
    3,
  ],
  [
    (rng) => ({
      subject: rng.pick(inGroup('analysts')),
      action: 'export',
      resource: `data/${rng.pick(DATASETS)}`,
      context: {
        classification: rng.weighted([
          ['internal', 7],
          ['confidential', 2],
          ['secret', 1],
        ]),
        rows: rng.between(100, 500_000),
      },
    }),
    7,
  ],
  // Deletions in prod are never allowed.
  [
    (rng) => ({
      subject: rng.pick(inGroup('staff')),
      action: 'delete',
      resource: `prod/${rng.pick(SERVICES)}`,
      context: { ticket: ticket(rng) },
    }),
    9,
  ],
];

/** Draws the next request. */
export function drawRequest(rng: Xoshiro128ss): DemoRequest {
  return rng.weighted(KINDS)(rng);
}

/** The audience of a grant: what will execute the action, e.g. `deploy@prod`. */
export function audienceOf(action: string, resource: string): string {
  return `${action}@${resource.split('/')[0] ?? resource}`;
}
