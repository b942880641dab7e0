/** Approvals: approval requests, the signed roster, approvals and M-of-N counting (docs/approvals.md). */
export * from './approve.js';
export * from './count.js';
export * from './request.js';
export * from './roster.js';
export { formatTime, parseTime, toSeconds, MAX_TIME_SECONDS, type TimeInput } from './time.js';
