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
  readonly #info: AppInfo;

  constructor(info: AppInfo) {
    this.#info = Object.freeze({ ...info });
  }

  read(): AppInfo {
    return { ...this.#info };
  }
}
