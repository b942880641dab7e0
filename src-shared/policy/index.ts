/** The policy engine (docs/policy.md): parse, compile, evaluate, check, signed updates, corpus runner. */
export { POLICY_LIMITS, REQUEST_LIMITS, DEFAULT_GRANT_TTL_SECONDS } from './limits.js';
export { parseRfc3339, compareInstants, type Instant } from '../time.js';
export { parsePolicy, isParsedPolicy } from './parse-policy.js';
export { parseRequest, isParsedRequest, requestDocument, requestHash } from './parse-request.js';
export { compilePolicy, isCompiledPolicy, policyHash, type CompiledPolicy } from './compile.js';
export { evaluate, type EvaluateOptions } from './evaluate.js';
export { checkPolicy, type PolicyWarning, type WarningKind } from './check.js';
export {
  acceptPolicyUpdate,
  loadSignedPolicy,
  POLICY_PAYLOAD_TYPE,
  type LoadedPolicy,
  type PolicyHead,
  type PolicyUpdate,
} from './store.js';
export { runCorpusCase, runCorpusFile, type CorpusResult } from './corpus.js';
export type {
  ApprovalRequirement,
  ApprovalStatus,
  AuthzRequest,
  Condition,
  Decision,
  Effect,
  EvaluationError,
  Literal,
  Obligation,
  Policy,
  Rule,
} from './types.js';
