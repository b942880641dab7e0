/** What this build is and where it keeps its data: the facts shown on "About this build". */
export interface AppInfo {
  readonly appVersion: string;
  readonly coreVersion: string;
  readonly platform: string;
  readonly tenant: string;
  readonly offline: boolean;
  readonly dataDir: string;
}

export class AppInfoService {
  readonly #info: Omit<AppInfo, 'offline'>;
  readonly #offline: () => boolean;

  /**
   * `offline` is asked on every read: the app is offline only while nothing is configured that
   * would make it reach the network (a plane, or an anchoring chain RPC), so the header never claims
   * "nothing leaves this machine" after a person configured an RPC.
   */
  constructor(info: Omit<AppInfo, 'offline'>, offline: () => boolean) {
    this.#info = Object.freeze({ ...info });
    this.#offline = offline;
  }

  read(): AppInfo {
    return { ...this.#info, offline: this.#offline() };
  }
}
