/** Settings of the active tenant. Only the tenant id for now; stored settings come later. */
export interface TenantSettings {
  readonly tenant: string;
}

export class SettingsService {
  readonly #tenant: string;

  constructor(tenant: string) {
    this.#tenant = tenant;
  }

  read(): TenantSettings {
    return { tenant: this.#tenant };
  }
}
