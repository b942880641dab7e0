import { describe, expect, it } from 'vitest';
import * as approvals from '../../../src-shared/approvals/index.js';
import * as grants from '../../../src-shared/grants/index.js';

describe('module entry points', () => {
  it('export the public API of approvals and grants', () => {
    for (const name of [
      'createApprovalRequest',
      'parseApprovalRequest',
      'approvalRequestHash',
      'parseRoster',
      'verifyRoster',
      'signApproval',
      'countApprovals',
      'parseTime',
      'formatTime',
      'toSeconds',
    ]) {
      expect(typeof (approvals as Record<string, unknown>)[name]).toBe('function');
    }
    for (const name of ['issueGrant', 'verifyGrant', 'grantIdOf', 'MemoryReplayCache']) {
      expect(typeof (grants as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
