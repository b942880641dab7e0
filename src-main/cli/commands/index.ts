/** Every qtrust command, in the order `qtrust --help` lists them. A new command is one file plus one line here. */
import type { CommandSpec } from '../registry.js';
import { canonCommand } from './canon.js';
import { ceremonyRunCommand } from './ceremony-run.js';
import { ceremonyVerifyCommand } from './ceremony-verify.js';
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
  evidenceExportCommand,
  hashCommand,
  keyGenerateCommand,
  signCommand,
  verifyCommand,
  verifySignatureCommand,
]);
