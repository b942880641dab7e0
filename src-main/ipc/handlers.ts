/**
 * One handler per contract channel, each a one-liner into the services. Handlers receive a
 * request that already passed the contract schema; their answer is checked again by dispatch.
 * The mapped type makes a missing or extra handler a compile error.
 */
import type { ChannelName, RequestOf, ResponseOf } from '../../src-shared/ipc/index.js';
import type { Services } from '../services/compose.js';
import { ANCHOR_HANDLERS, CEREMONY_HANDLERS } from './ceremony-handlers.js';
import { EVIDENCE_HANDLERS } from './evidence-handlers.js';

export type Handlers = {
  readonly [C in ChannelName]: (
    services: Services,
    request: RequestOf<C>,
  ) => ResponseOf<C> | Promise<ResponseOf<C>>;
};

export const HANDLERS: Handlers = Object.freeze({
  readAppInfo: (s) => s.appInfo.read(),
  readSuites: (s) => ({ suites: s.suites.list() }),
  readSelfTest: (s) => s.suites.selfTest(),
  readSettings: (s) => s.settings.read(),
  readPolicy: (s) => s.policies.read(),
  readPolicySimulation: (s, request) => s.policies.simulate(request),
  writePolicySigners: (s, request) => s.policies.setSigners(request.publicKeySet),
  writeLoadPolicy: (s, request) => s.policies.load(request.envelope),
  ...EVIDENCE_HANDLERS,
  ...CEREMONY_HANDLERS,
  ...ANCHOR_HANDLERS,
});
