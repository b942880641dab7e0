/** Every qtrust command, in the order `qtrust --help` lists them. A new command is one file plus one line here. */
import type { CommandSpec } from '../registry.js';
import { anchorDeployCommand } from './anchor-deploy.js';
import { approvalRequestCommand } from './approval-request.js';
import { approveCommand } from './approve.js';
import { canonCommand } from './canon.js';
import { ceremonyRunCommand } from './ceremony-run.js';
import { ceremonyVerifyCommand } from './ceremony-verify.js';
import { demoGenerateCommand } from './demo-generate.js';
import { evidenceExportCommand } from './evidence-export.js';
import { grantIssueCommand } from './grant-issue.js';
import { grantVerifyCommand } from './grant-verify.js';
import { hashCommand } from './hash.js';
import { keyGenerateCommand } from './key-generate.js';
import { policyCheckCommand } from './policy-check.js';
import { policyEvalCommand } from './policy-eval.js';
import { policyTestCommand } from './policy-test.js';
import { rosterSignCommand } from './roster-sign.js';
import { signCommand } from './sign.js';
import { verifySignatureCommand } from './verify-signature.js';
import { verifyCommand } from './verify.js';

export const COMMANDS: readonly CommandSpec[] = Object.freeze([
  anchorDeployCommand,
  approvalRequestCommand,
  approveCommand,
  canonCommand,
  ceremonyRunCommand,
  ceremonyVerifyCommand,
  demoGenerateCommand,
  evidenceExportCommand,
  grantIssueCommand,
  grantVerifyCommand,
  hashCommand,
  keyGenerateCommand,
  policyCheckCommand,
  policyEvalCommand,
  policyTestCommand,
  rosterSignCommand,
  signCommand,
  verifyCommand,
  verifySignatureCommand,
]);
