/**
 * Tenant ids name a directory on disk, so they are validated as path components before use:
 * a small safe charset, no dots (so no `.`/`..`), no separators, bounded length, and none of the
 * names Windows reserves for devices (a directory called `con` or `nul` cannot be created there).
 */
import { QtError } from '../../src-shared/errors.js';

export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

export const DEFAULT_TENANT = 'default';

export function assertTenantId(value: unknown, name = 'tenant'): string {
  if (typeof value !== 'string') {
    throw new QtError(
      'QT_BAD_TENANT',
      `${name} must be a string, got ${value === null ? 'null' : typeof value}`,
      {
        path: name,
      },
    );
  }
  if (!TENANT_ID_PATTERN.test(value) || WINDOWS_RESERVED.test(value)) {
    throw new QtError(
      'QT_BAD_TENANT',
      `${name} must be 1-63 characters of a-z, 0-9, '_' or '-', starting with a letter or digit, and not a reserved device name`,
      { path: name },
    );
  }
  return value;
}
