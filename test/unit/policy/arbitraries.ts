/**
 * fast-check generators of random policies and requests over small alphabets, so that random
 * requests often hit random rules. `cedar: true` restricts them to the fragment shared with Cedar
 * (docs/policy.md, "Mapping to Cedar").
 */
import fc from 'fast-check';

export const IDS = ['alice', 'alex', 'bob', 'svc-a', 'svc-b'];
export const GROUPS = ['ops', 'ops-eu', 'dev', 'leads'];
export const ACTIONS = ['read', 'write', 'db.read', 'db.drop', 'deploy'];
export const RESOURCES = ['prod/api', 'prod/db', 'stage/api', 'doc/1', 'doc/10'];
export const ATTRS = ['n', 'm', 's', 'b', 'tags', 'o.n', 'o.s'];
export const TIMES = [
  '2026-11-26T13:40:00Z',
  '2026-11-28T23:10:00Z',
  '2027-01-01T06:00:00Z',
  '2026-03-01T00:00:00Z',
];

const prefixesOf = (xs: string[]): string[] =>
  [...new Set(xs.flatMap((x) => [x.slice(0, 1), x.slice(0, 3), x]))].map((p) => `${p}*`);

function patterns(values: string[], extra: string[] = []): fc.Arbitrary<string[]> {
  return fc.uniqueArray(fc.constantFrom(...values, ...prefixesOf(values), '*', ...extra), { maxLength: 3 });
}

const num = fc.integer({ min: -3, max: 3 });
const str = fc.constantFrom('x', 'y', 'z');
const lit = fc.oneof(num, str, fc.boolean());

export function conditionArb(): fc.Arbitrary<unknown> {
  const attr = fc.constantFrom(...ATTRS);
  const leaf = fc.oneof(
    fc.record({ eq: fc.record({ attr, value: lit }) }),
    fc.record({ ne: fc.record({ attr, value: lit }) }),
    fc.record({ lt: fc.record({ attr, value: num }) }),
    fc.record({ ge: fc.record({ attr, value: num }) }),
    fc.record({
      in: fc.record({
        attr,
        values: fc.oneof(fc.array(num, { maxLength: 3 }), fc.array(str, { maxLength: 3 })),
      }),
    }),
    fc.record({ contains: fc.record({ attr, value: lit }) }),
    fc.record({ exists: fc.record({ attr }) }),
    fc.record({ after: fc.constantFrom(...TIMES) }),
    fc.record({ before: fc.constantFrom(...TIMES) }),
    fc.record({
      timeOfDay: fc.record({
        from: fc.constantFrom('00:00', '06:00', '13:40', '22:00'),
        to: fc.constantFrom('06:00', '14:00', '23:59'),
        utcOffset: fc.constantFrom('+00:00', '+05:30', '-08:00'),
      }),
    }),
    fc.record({
      weekdays: fc.record({
        days: fc.uniqueArray(fc.constantFrom('sun', 'mon', 'thu', 'fri', 'sat'), { maxLength: 3 }),
        utcOffset: fc.constantFrom('+00:00', '-08:00'),
      }),
    }),
  );
  const { tree } = fc.letrec<{ tree: unknown; node: unknown }>((tie) => ({
    tree: fc.oneof({ maxDepth: 3, depthIdentifier: 'cond' }, leaf, tie('node')),
    node: fc.oneof(
      { depthIdentifier: 'cond' },
      fc.record({ all: fc.array(tie('tree'), { maxLength: 3 }) }),
      fc.record({ any: fc.array(tie('tree'), { maxLength: 3 }) }),
      fc.record({ not: tie('tree') }),
    ),
  }));
  return tree;
}

export function ruleArb(id: string, cedar: boolean): fc.Arbitrary<Record<string, unknown>> {
  const groupPatterns = cedar
    ? GROUPS.map((g) => `group:${g}`)
    : [...GROUPS.map((g) => `group:${g}`), 'group:ops*', 'group:*'];
  return fc
    .record(
      {
        effect: fc.constantFrom('allow', 'allow', 'deny'),
        subjects: patterns(IDS, groupPatterns),
        actions: patterns(ACTIONS),
        resources: patterns(RESOURCES),
        when: conditionArb(),
        approvals: fc.record({ quorum: fc.integer({ min: 1, max: 3 }), from: fc.constant(['leads']) }),
        grantTtlSeconds: fc.integer({ min: 1, max: 3600 }),
      },
      { requiredKeys: ['effect', 'subjects', 'actions', 'resources'] },
    )
    .map((r) => {
      const out: Record<string, unknown> = { id, ...r };
      if (r.effect === 'deny' || cedar) {
        delete out.approvals;
        if (r.effect === 'deny') delete out.grantTtlSeconds;
      }
      return out;
    });
}

export function policyArb(
  cedar: boolean,
  maxRules = 8,
): fc.Arbitrary<{ policy: string; version: number; rules: unknown[] }> {
  return fc
    .integer({ min: 0, max: maxRules })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(`r${i}`, cedar))))
    .map((rules) => ({ policy: 'random', version: 1, rules }));
}

const ctxValue = (cedar: boolean): fc.Arbitrary<unknown> =>
  fc.oneof(
    num,
    str,
    fc.boolean(),
    fc.array(lit, { maxLength: 3 }),
    ...(cedar ? [] : [fc.constant(null), fc.constant(1.5)]),
  );

export function requestArb(cedar: boolean): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    subject: fc.record({
      id: fc.constantFrom(...IDS),
      groups: fc.uniqueArray(fc.constantFrom(...GROUPS), { maxLength: 2 }),
    }),
    action: fc.constantFrom(...ACTIONS),
    resource: fc.constantFrom(...RESOURCES),
    context: fc.record(
      {
        n: ctxValue(cedar),
        m: ctxValue(cedar),
        s: ctxValue(cedar),
        b: ctxValue(cedar),
        tags: ctxValue(cedar),
        o: fc.oneof(fc.record({ n: ctxValue(cedar), s: ctxValue(cedar) }, { requiredKeys: [] }), num),
      },
      { requiredKeys: [] },
    ),
    time: fc.constantFrom(...TIMES, '2026-11-26T13:39:59Z', '2026-11-27T05:59:00-08:00'),
  });
}
