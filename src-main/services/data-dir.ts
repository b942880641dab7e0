/**
 * Where the app keeps its data. Rule (docs/app.md): `QTRUST_HOME` if set, else Electron's
 * `userData` directory; under it, one directory per tenant, `<home>/tenants/<tenant>/`, holding
 * that tenant's SQLite files, keys and settings. Nothing of one tenant is stored outside its
 * directory, so a tenant can be backed up or wiped as one folder.
 */
import { mkdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { QtError } from '../../src-shared/errors.js';
import { assertTenantId } from './tenant.js';

/** Picks the home directory: an explicit `QTRUST_HOME`, else the platform's per-user app dir. */
export function resolveHome(env: Readonly<Record<string, string | undefined>>, userData: string): string {
  const fromEnv = env['QTRUST_HOME'];
  const home = fromEnv !== undefined && fromEnv !== '' ? fromEnv : userData;
  if (typeof home !== 'string' || !isAbsolute(home)) {
    throw new QtError('QT_BAD_HOME', 'QTRUST_HOME must be an absolute path', { path: 'QTRUST_HOME' });
  }
  return resolve(home);
}

/** `<home>/tenants/<tenant>`, checked to stay inside `<home>/tenants` whatever the input. */
export function tenantDir(home: string, tenant: string): string {
  assertTenantId(tenant);
  if (!isAbsolute(home)) throw new QtError('QT_BAD_HOME', 'home must be an absolute path', { path: 'home' });
  const base = resolve(home, 'tenants');
  const dir = resolve(base, tenant);
  const rel = relative(base, dir);
  if (rel !== tenant || rel.includes(sep) || rel.startsWith('..')) {
    throw new QtError('QT_BAD_TENANT', 'tenant directory escapes the tenants folder', { path: 'tenant' });
  }
  return join(base, tenant);
}

/** Creates the tenant directory (owner-only permissions where the platform has them). */
export function ensureTenantDir(home: string, tenant: string): string {
  const dir = tenantDir(home, tenant);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
