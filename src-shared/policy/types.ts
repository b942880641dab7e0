/**
 * The policy engine's public types (docs/policy.md). Parsed values are frozen copies of the input.
 */
import type { Instant } from '../time.js';

export type Effect = 'allow' | 'deny';
export type Literal = string | number | boolean;

/** A compiled condition node (docs/policy.md, "Conditions"); `at` is its JSON path within the rule. */
export type Condition =
  | { readonly kind: 'all' | 'any'; readonly at: string; readonly items: readonly Condition[] }
  | { readonly kind: 'not'; readonly at: string; readonly item: Condition }
  | {
      readonly kind: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
      readonly at: string;
      readonly attr: readonly string[];
      readonly value: Literal;
    }
  | {
      readonly kind: 'in';
      readonly at: string;
      readonly attr: readonly string[];
      readonly values: readonly Literal[];
    }
  | {
      readonly kind: 'contains';
      readonly at: string;
      readonly attr: readonly string[];
      readonly value: Literal;
    }
  | { readonly kind: 'exists'; readonly at: string; readonly attr: readonly string[] }
  | { readonly kind: 'after' | 'before'; readonly at: string; readonly instant: Instant }
  | {
      readonly kind: 'timeOfDay';
      readonly at: string;
      /** Minutes since local midnight, 0..1439. */
      readonly from: number;
      readonly to: number;
      readonly offsetMinutes: number;
    }
  | {
      readonly kind: 'weekdays';
      readonly at: string;
      readonly days: readonly number[];
      readonly offsetMinutes: number;
    };

export interface ApprovalRequirement {
  readonly quorum: number;
  /** Approver group names (plain names, without the `group:` prefix). */
  readonly from: readonly string[];
  readonly allowRequester: boolean;
}

export interface Rule {
  readonly id: string;
  readonly effect: Effect;
  readonly subjects: readonly string[];
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly when?: Condition;
  readonly approvals?: ApprovalRequirement;
  readonly grantTtlSeconds?: number;
}

export interface Policy {
  readonly name: string;
  readonly version: number;
  readonly rules: readonly Rule[];
  /** The validated document itself (a frozen copy), which the policy hash covers. */
  readonly document: unknown;
}

export interface AuthzRequest {
  readonly subject: { readonly id: string; readonly groups: readonly string[] };
  readonly action: string;
  readonly resource: string;
  /** Null-prototype frozen copy of the request context. */
  readonly context: Readonly<Record<string, unknown>>;
  readonly time: Instant;
  /** The original RFC 3339 text of `time`, hashed as given. */
  readonly timeText: string;
}

/** What one matching allow rule requires before its grant may be issued. */
export interface Obligation {
  readonly ruleId: string;
  readonly quorum: number;
  readonly from: readonly string[];
  readonly allowRequester: boolean;
  readonly grantTtlSeconds?: number;
}

/** The approvals module's verdict on obligations: a predicate, or rule id -> satisfied / counted approvals. */
export type ApprovalStatus = ((obligation: Obligation) => boolean) | ReadonlyMap<string, boolean | number>;

export interface EvaluationError {
  readonly ruleId: string;
  readonly message: string;
  /** JSON path of the failing condition node within the rule, e.g. `when.all[1]`. */
  readonly path: string;
}

export interface Decision {
  readonly decision: 'allow' | 'deny' | 'pending';
  /** Ids of the rules that decided, sorted. */
  readonly rules: readonly string[];
  readonly errors: readonly EvaluationError[];
  readonly policyHash: string;
  readonly requestHash: string;
  readonly obligations: readonly Obligation[];
  readonly grantTtlSeconds?: number;
}
