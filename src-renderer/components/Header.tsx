import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store/index.js';

/** Always visible: which tenant is active and whether anything can leave the machine. */
export function Header() {
  const { appInfo, appInfoError } = useStore(
    useShallow((s) => ({ appInfo: s.appInfo, appInfoError: s.appInfoError })),
  );
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Q-Trust Desktop</span>
      </div>
      <div className="header-status" aria-live="polite">
        {appInfoError !== null ? (
          <span className="chip chip-danger" role="alert">
            Status unavailable: {appInfoError}
          </span>
        ) : appInfo === null ? (
          <span className="chip">Loading…</span>
        ) : (
          <>
            <span className="chip" data-testid="tenant">
              <span className="chip-label">Tenant</span>
              <span className="chip-value">{appInfo.tenant}</span>
            </span>
            <span
              className={appInfo.offline ? 'chip chip-ok' : 'chip chip-warn'}
              data-testid="network"
              title={
                appInfo.offline ? 'No plane or chain RPC configured' : 'A plane or chain RPC is configured'
              }
            >
              <span className="dot" aria-hidden="true" />
              {appInfo.offline ? 'Offline: nothing leaves this machine' : 'Online'}
            </span>
          </>
        )}
      </div>
    </header>
  );
}
