/**
 * An approval request as a person reads it before signing (docs/approvals.md, "Command line").
 * Every field that is signed is shown; text from the request is shown escaped, so control
 * characters, bidirectional overrides or line separators inside a request cannot rewrite what
 * the terminal displays (a hidden "\r" or U+202E could otherwise make "prod" read as "test").
 */
import { canonicalize } from '../../src-shared/canonical.js';
import { approvalRequestHash, type ApprovalRequest } from '../../src-shared/approvals/index.js';

/** Escapes C0/C1 controls, DEL, bidi controls and line/paragraph separators as \u{...}. */
export function safeText(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    const unsafe =
      c < 0x20 ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x2028 ||
      c === 0x2029 ||
      (c >= 0x200e && c <= 0x200f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069) ||
      c === 0x061c;
    out += unsafe ? `\\u{${c.toString(16)}}` : ch;
  }
  return out;
}

const field = (name: string, value: string) => `  ${`${name}:`.padEnd(14)}${safeText(value)}`;

export function renderApprovalRequest(ar: ApprovalRequest): string {
  const req = ar.request as {
    subject?: { id?: unknown; groups?: unknown };
    action?: unknown;
    resource?: unknown;
    context?: unknown;
    time?: unknown;
  };
  const groups = Array.isArray(req.subject?.groups) ? (req.subject.groups as unknown[]).map(String) : [];
  const lines = [
    `Approval request ${approvalRequestHash(ar)}`,
    field('requester', ar.requester),
    field(
      'subject',
      `${String(req.subject?.id)}${groups.length > 0 ? ` (groups: ${groups.join(', ')})` : ''}`,
    ),
    field('action', String(req.action)),
    field('resource', String(req.resource)),
    field('request time', String(req.time)),
    field('context', canonicalize(req.context ?? {})),
  ];
  for (const o of ar.obligations) {
    lines.push(
      field(
        'needs',
        `rule ${o.ruleId}: ${o.quorum} approval${o.quorum === 1 ? '' : 's'} from ${o.from.join(', ')}` +
          `${o.allowRequester ? '' : ' (requester excluded)'}` +
          `${o.grantTtlSeconds === undefined ? '' : `; grant at most ${o.grantTtlSeconds} s`}`,
      ),
    );
  }
  lines.push(
    field('valid', `${ar.createdAt} to ${ar.expiresAt}`),
    field('policy hash', ar.policyHash),
    field('request hash', ar.requestHash),
    field('nonce', ar.nonce),
  );
  return `${lines.join('\n')}\n`;
}
