/**
 * The one place where services are built and wired together. Nothing here imports Electron: the
 * Electron adapter (src-main/app/main.ts), the browser test harness and unit tests all call
 * `createServices` with a home directory and a tenant, and get the same objects.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getSuite, SUITE_IDS } from '../../src-shared/sign/index.js';
import { CORE_VERSION } from '../../src-shared/version.js';
import { AnchorSettingsService } from './anchor-settings.js';
import { AppInfoService, type AppInfo } from './app-info.js';
import { CeremonyUi, type CeremonyUiOptions } from './ceremony-ui.js';
import { PolicyService } from './policy-service.js';
import { ensureTenantDir } from './data-dir.js';
import { EVIDENCE_DB_FILE } from '../cli/commands/evidence-export.js';
import { NO_DIALOG, type DialogPort } from './dialog-port.js';
import { EvidenceBrowser } from './evidence-browser.js';
import { VerifyJobs } from './verify-jobs.js';
import { SettingsService, type TenantSettings } from './settings.js';
import { SuiteService, type SelfTestReport, type SuiteInfo, type SuiteRegistry } from './self-test.js';
import { assertTenantId } from './tenant.js';

export interface ServiceOptions {
  /** Absolute home directory (see resolveHome in data-dir.ts). */
  readonly home: string;
  readonly tenant: string;
  readonly appVersion: string;
  readonly platform: string;
  /** Configured outbound endpoints; the app is offline when none is set. */
  readonly network?: { readonly planeUrl?: string; readonly chainRpcUrl?: string };
  /** Monotonic milliseconds; defaults to performance.now. */
  readonly now?: () => number;
  /** Signature suites; defaults to the src-shared/sign registry. */
  readonly registry?: SuiteRegistry;
  /** File and folder choices (native dialogs in Electron, a fake in tests); default: always cancelled. */
  readonly dialog?: DialogPort;
  /** Worker threads per bundle verification (default 1, main's thread sharing the checks). */
  readonly verifyWorkers?: number;
  /** The Ceremonies screen: its dialog port, PKCS#11 module path and test parameters. */
  readonly ceremony?: Omit<CeremonyUiOptions, 'tenantDir'>;
}

/** The surface the IPC dispatcher calls; tests substitute spies for any part. */
export interface Services {
  readonly appInfo: { read(): AppInfo };
  readonly suites: { list(): SuiteInfo[]; selfTest(): SelfTestReport };
  readonly settings: { read(): TenantSettings };
  readonly evidence: Pick<EvidenceBrowser, 'head' | 'page' | 'detail'>;
  readonly verify: Pick<VerifyJobs, 'chooseBundle' | 'chooseTrust' | 'start' | 'status'>;
  readonly policies: Pick<PolicyService, 'read' | 'simulate' | 'setSigners' | 'load'>;
  readonly ceremonies: Pick<
    CeremonyUi,
    | 'scripts'
    | 'view'
    | 'openScript'
    | 'token'
    | 'checkIn'
    | 'presentShare'
    | 'performStep'
    | 'transcript'
    | 'exportTranscript'
  >;
  readonly anchors: Pick<AnchorSettingsService, 'read' | 'save' | 'testConnection' | 'status'>;
}

export const defaultRegistry: SuiteRegistry = Object.freeze({
  ids: SUITE_IDS,
  get: (id: string) => getSuite(id),
});

export function createServices(options: ServiceOptions): Services {
  const tenant = assertTenantId(options.tenant);
  const dataDir = ensureTenantDir(options.home, tenant);
  const network = options.network ?? {};
  const anchors = new AnchorSettingsService({
    tenantDir: dataDir,
    evidencePath: join(dataDir, EVIDENCE_DB_FILE),
  });
  const anchoringConfigured = (): boolean => {
    const s = anchors.read().settings;
    return s !== null && s.enabled && s.rpcUrl !== '';
  };
  return Object.freeze({
    appInfo: new AppInfoService(
      {
        appVersion: options.appVersion,
        coreVersion: CORE_VERSION,
        platform: options.platform,
        tenant,
        dataDir,
      },
      () => !network.planeUrl && !network.chainRpcUrl && !anchoringConfigured(),
    ),
    suites: new SuiteService(options.registry ?? defaultRegistry, options.now ?? (() => performance.now())),
    settings: new SettingsService(tenant),
    evidence: new EvidenceBrowser(join(dataDir, EVIDENCE_DB_FILE)),
    verify: new VerifyJobs({
      dialog: options.dialog ?? NO_DIALOG,
      ...(options.verifyWorkers === undefined ? {} : { workers: options.verifyWorkers }),
    }),
    policies: new PolicyService(dataDir),
    ceremonies: new CeremonyUi({ ...options.ceremony, tenantDir: dataDir }),
    anchors,
  });
}
