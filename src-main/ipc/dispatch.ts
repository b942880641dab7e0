/**
 * The IPC dispatcher, free of Electron so it runs the same under the Electron adapter, the
 * browser harness and unit tests. Order matters and is the point of this file:
 *   1. the channel must be a contract channel (own key, not `__proto__` or `toString`);
 *   2. the raw request must be plain data within the size and depth limits;
 *   3. the request must match the channel's strict schema;
 * and only then is a service called. Its answer must match the response schema, or the caller
 * gets QT_INTERNAL (fail closed). No stack trace or foreign error text crosses the boundary.
 */
import { isQtError } from '../../src-shared/errors.js';
import {
  checkRequestShape,
  CONTRACT,
  err,
  isChannelName,
  MAX_ERROR_MESSAGE_LENGTH,
  ok,
  type IpcResult,
} from '../../src-shared/ipc/index.js';
import type { Services } from '../services/compose.js';
import { HANDLERS } from './handlers.js';

export interface DispatchOptions {
  /** Receives internal failures for main's own log; never shown to the renderer. */
  readonly onInternalError?: (channel: string, error: unknown) => void;
}

function describeIssue(issue: { path: readonly PropertyKey[]; message: string } | undefined): string {
  if (issue === undefined) return 'does not match the contract';
  const path = issue.path.length === 0 ? '$' : '$.' + issue.path.map(String).join('.');
  return `${path}: ${issue.message}`;
}

function clip(message: string): string {
  return message.length > MAX_ERROR_MESSAGE_LENGTH
    ? message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1) + '…'
    : message;
}

export async function dispatch(
  services: Services,
  channel: unknown,
  rawRequest: unknown,
  options: DispatchOptions = {},
): Promise<IpcResult<unknown>> {
  if (!isChannelName(channel)) {
    return err(
      'QT_BAD_REQUEST',
      `unknown channel ${typeof channel === 'string' ? JSON.stringify(channel.slice(0, 64)) : typeof channel}`,
    );
  }
  const spec = CONTRACT[channel];
  try {
    checkRequestShape(rawRequest);
  } catch (e) {
    return err('QT_BAD_REQUEST', `${channel}: ${isQtError(e) ? e.message : 'malformed request'}`);
  }
  const parsed = spec.request.safeParse(rawRequest);
  if (!parsed.success) {
    return err('QT_BAD_REQUEST', clip(`${channel}: ${describeIssue(parsed.error.issues[0])}`));
  }
  let value: unknown;
  try {
    const handler = HANDLERS[channel] as (s: Services, r: unknown) => unknown;
    value = await handler(services, parsed.data);
  } catch (e) {
    if (isQtError(e)) return err(e.code, clip(e.message));
    options.onInternalError?.(channel, e);
    return err('QT_INTERNAL', `${channel}: internal error`);
  }
  const checked = spec.response.safeParse(value);
  if (!checked.success) {
    options.onInternalError?.(channel, checked.error);
    return err('QT_INTERNAL', `${channel}: internal error (answer did not match the contract)`);
  }
  return ok(checked.data);
}
