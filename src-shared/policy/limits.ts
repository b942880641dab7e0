/**
 * Size limits of policy documents and requests (docs/policy.md, "Limits"). Inputs beyond them are
 * refused while parsing, which is what bounds the work of every later step: the engine never loops
 * over attacker-sized data that these numbers do not cap.
 */
export const POLICY_LIMITS = Object.freeze({
  maxRules: 10_000,
  maxPatternsPerList: 64,
  maxPatternsPerPolicy: 100_000,
  maxPatternLength: 256,
  maxIdLength: 128,
  maxNameLength: 128,
  maxConditionDepth: 16,
  maxConditionNodes: 256,
  maxInValues: 256,
  /** Condition nodes plus `in` literals over the whole policy: bounds the document's size. */
  maxConditionValuesPerPolicy: 100_000,
  maxStringLiteral: 1024,
  maxDescription: 1024,
  maxAttrSegments: 8,
  maxAttrSegmentLength: 64,
  maxApprovalGroups: 32,
  maxQuorum: 64,
  maxGrantTtlSeconds: 86_400,
} as const);

export const REQUEST_LIMITS = Object.freeze({
  maxIdLength: 256,
  maxGroups: 64,
  maxGroupLength: 128,
  maxContextDepth: 8,
  maxContextNodes: 1000,
  maxContextString: 1024,
  maxContextKey: 128,
} as const);

/** Grant lifetime when a matching allow rule sets none (docs/policy.md, step 6). */
export const DEFAULT_GRANT_TTL_SECONDS = 300;
