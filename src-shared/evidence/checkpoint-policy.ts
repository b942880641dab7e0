/**
 * When to sign a checkpoint: a pure decision over counts and times, so the store, the demo
 * generator and tests all agree (docs/evidence.md, "Checkpoints").
 *
 * A checkpoint is due when there is at least one substantive record not yet covered by a
 * checkpoint and either `every` substantive records have accumulated or the oldest of them has
 * waited `seconds` seconds, whichever comes first. An export forces one as soon as any record at
 * all (even bookkeeping) is uncovered. Bookkeeping records (anchor status and the like) are
 * covered by the next checkpoint but never cause one on their own: otherwise anchoring a
 * checkpoint would log a record, which would cause a checkpoint, which would be anchored, forever.
 */
import { aint } from '../bytes.js';

export interface CheckpointSchedule {
  /** Substantive records per checkpoint (default 1,000). */
  readonly every: number;
  /** Longest wait, in seconds, between a substantive record and the checkpoint covering it (default 60). */
  readonly seconds: number;
}

export const DEFAULT_CHECKPOINT_SCHEDULE: CheckpointSchedule = Object.freeze({ every: 1000, seconds: 60 });

/** Largest `every` accepted: a checkpoint per 2^24 records is already far longer than any sane interval. */
export const MAX_CHECKPOINT_EVERY = 1 << 24;
/** Largest `seconds` accepted: one week. */
export const MAX_CHECKPOINT_SECONDS = 7 * 24 * 3600;

/** What the log knows about the records since the latest checkpoint. */
export interface PendingState {
  /** Records of any kind appended since the latest checkpoint. */
  readonly pending: number;
  /** Of those, records that are not bookkeeping. */
  readonly substantive: number;
  /** Unix milliseconds of the oldest substantive pending record (ignored when `substantive` is 0). */
  readonly oldestSubstantiveMs: number;
}

/** Checks a schedule given by a caller; fills defaults for missing fields. */
export function checkSchedule(input: Partial<CheckpointSchedule> = {}): CheckpointSchedule {
  const every = aint(
    input.every ?? DEFAULT_CHECKPOINT_SCHEDULE.every,
    'checkpointEvery',
    1,
    MAX_CHECKPOINT_EVERY,
  );
  const seconds = aint(
    input.seconds ?? DEFAULT_CHECKPOINT_SCHEDULE.seconds,
    'checkpointSeconds',
    1,
    MAX_CHECKPOINT_SECONDS,
  );
  return Object.freeze({ every, seconds });
}

/** True when a checkpoint should be signed now. */
export function shouldCheckpoint(
  schedule: CheckpointSchedule,
  state: PendingState,
  nowMs: number,
  forced = false,
): boolean {
  const pending = aint(state.pending, 'pending');
  const substantive = aint(state.substantive, 'substantive', 0, pending);
  aint(nowMs, 'nowMs');
  if (forced) return pending > 0;
  if (substantive === 0) return false;
  if (substantive >= schedule.every) return true;
  // A clock that went backwards (NTP step) never makes a checkpoint overdue, and never blocks one
  // forever either: the count bound above still applies.
  return nowMs - aint(state.oldestSubstantiveMs, 'oldestSubstantiveMs') >= schedule.seconds * 1000;
}

/**
 * Milliseconds until the time bound falls due, for a timer; undefined when nothing substantive
 * is pending (no timer needed). Zero when already due.
 */
export function msUntilDue(
  schedule: CheckpointSchedule,
  state: PendingState,
  nowMs: number,
): number | undefined {
  if (state.substantive === 0) return undefined;
  const due = state.oldestSubstantiveMs + schedule.seconds * 1000;
  return Math.max(0, due - nowMs);
}
