/** Every qtrust command, in the order `qtrust --help` lists them. A new command is one file plus one line here. */
import type { CommandSpec } from '../registry.js';
import { rosterSignCommand } from './roster-sign.js';
import { policyTestCommand } from './policy-test.js';
import { policyEvalCommand } from './policy-eval.js';
import { policyCheckCommand } from './policy-check.js';
import { grantVerifyCommand } from './grant-verify.js';
import { grantIssueCommand } from './grant-issue.js';
import { approveCommand } from './approve.js';
import { approvalRequestCommand } from './approval-request.js';
import { canonCommand } from './canon.js';
import { ceremonyRunCommand } from './ceremony-run.js';
import { ceremonyVerifyCommand } from './ceremony-verify.js';
import { demoGenerateCommand } from './demo-generate.js';
import { evidenceExportCommand } from './evidence-export.js';
import { hashCommand } from './hash.js';
import { keyGenerateCommand } from './key-generate.js';
import { signCommand } from './sign.js';
import { verifyCommand } from './verify.js';
import { verifySignatureCommand } from './verify-signature.js';

export const COMMANDS: readonly CommandSpec[] = Object.freeze([
  canonCommand,
  ceremonyRunCommand,
  ceremonyVerifyCommand,
  demoGenerateCommand,
  evidenceExportCommand,
  hashCommand,
  keyGenerateCommand,
  signCommand,
  verifyCommand,
  verifySignatureCommand,
  approvalRequestCommand,
  approveCommand,
  grantIssueCommand,
  grantVerifyCommand,
  policyCheckCommand,
  policyEvalCommand,
  policyTestCommand,
  rosterSignCommand,
]);
