/**
 * Builds the `window.qtrust` API from the contract. The preload script calls this with
 * `ipcRenderer.invoke`; the browser test harness calls it with a Playwright binding; so both
 * expose exactly the same methods, derived from one source and never written by hand.
 *
 * The client re-checks each answer against the response schema: a compromised or buggy main
 * cannot hand the UI a value of the wrong shape, and a failing transport becomes an error
 * result rather than an exception.
 */
import { CHANNEL_NAMES, CONTRACT, type ChannelName, type RequestOf, type ResponseOf } from './contract.js';
import { err, resultSchema, type IpcResult } from './result.js';

export type Invoke = (channel: ChannelName, request: unknown) => Promise<unknown>;

export type QtrustApi = {
  readonly [C in ChannelName]: (request: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>;
};

export function createClient(invoke: Invoke): QtrustApi {
  if (typeof invoke !== 'function') throw new TypeError('invoke must be a function');
  const api: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const channel of CHANNEL_NAMES) {
    const answer = resultSchema(CONTRACT[channel].response);
    api[channel] = async (request: unknown) => {
      let raw: unknown;
      try {
        raw = await invoke(channel, request);
      } catch {
        return err('QT_IPC_FAILED', `${channel}: the call did not reach the main process`);
      }
      const parsed = answer.safeParse(raw);
      return parsed.success ? parsed.data : err('QT_BAD_RESPONSE', `${channel}: malformed answer from main`);
    };
  }
  return Object.freeze(api) as unknown as QtrustApi;
}
