/** Small builders the policy tests share: a request and a rule, each with overrides. */

/** A valid raw request by alice (groups ops, staff), reading doc; `extra` replaces members. */
export const req = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  subject: { id: 'alice', groups: ['ops', 'staff'] },
  action: 'read',
  resource: 'doc',
  time: '2026-11-26T13:40:00Z',
  ...extra,
});

/** An allow rule matching everything; `extra` replaces members. */
export const rule = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  effect: 'allow',
  subjects: ['*'],
  actions: ['*'],
  resources: ['*'],
  ...extra,
});
