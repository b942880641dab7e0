/**
 * Match patterns (docs/policy.md, "Patterns"): an exact id, or a prefix ending in `*`. No other
 * wildcard exists, so matching is a string comparison, never a backtracking search.
 */
import { POLICY_LIMITS } from './limits.js';
import type { Reader } from './strict-json.js';

export const GROUP_PREFIX = 'group:';

export interface Pattern {
  /** `id` matches the subject id (or the action / resource); `group` matches one of the subject's groups. */
  readonly space: 'id' | 'group';
  readonly text: string;
  readonly prefix: boolean;
}

export function parsePattern(r: Reader, value: unknown, path: string, subject: boolean): Pattern {
  const raw = r.text(value, path, POLICY_LIMITS.maxPatternLength);
  const star = raw.indexOf('*');
  if (star >= 0 && star !== raw.length - 1) r.fail(path, '"*" is allowed only at the end of a pattern');
  const p = toPattern(raw, subject);
  if (p.space === 'group' && !p.prefix && p.text.length === 0)
    r.fail(path, 'a group pattern needs a group name');
  return p;
}

/** The pattern a validated pattern string denotes. */
export function toPattern(raw: string, subject: boolean): Pattern {
  const prefix = raw.endsWith('*');
  const text = prefix ? raw.slice(0, -1) : raw;
  if (subject && raw.startsWith(GROUP_PREFIX)) {
    return Object.freeze({ space: 'group', text: text.slice(GROUP_PREFIX.length), prefix });
  }
  return Object.freeze({ space: 'id', text, prefix });
}

/** True when every value `inner` matches is also matched by `outer` (same space). */
export function patternCovers(outer: Pattern, inner: Pattern): boolean {
  if (outer.space !== inner.space) return outer.space === 'id' && outer.prefix && outer.text === '';
  if (!outer.prefix) return !inner.prefix && inner.text === outer.text;
  return inner.text.startsWith(outer.text);
}
