/**
 * Decides whether an IPC message comes from our own page: the top frame of one of our windows,
 * showing a document of the app:// origin. A subframe, another window's webContents, or a page
 * that somehow navigated elsewhere is refused. Pure, so it is unit-tested without Electron;
 * main.ts gathers the facts from the IpcMainInvokeEvent.
 */
import { APP_HOST, APP_SCHEME } from './app-protocol.js';

export interface SenderFacts {
  /** `event.sender.id`. */
  readonly webContentsId: number;
  /** `event.senderFrame?.url`, null when the frame is gone. */
  readonly frameUrl: string | null;
  /** `senderFrame.parent === null && senderFrame === event.sender.mainFrame`. */
  readonly isMainFrame: boolean;
}

export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

export function isTrustedSender(facts: SenderFacts, ourWebContentsIds: ReadonlySet<number>): boolean {
  return (
    Number.isSafeInteger(facts.webContentsId) &&
    ourWebContentsIds.has(facts.webContentsId) &&
    facts.isMainFrame === true &&
    typeof facts.frameUrl === 'string' &&
    isAppUrl(facts.frameUrl)
  );
}
