/** Grants: short-lived, single-use, hybrid-signed permissions (docs/approvals.md). */
export * from './grant.js';
export * from './replay.js';
