/**
 * Turns off zod's JIT before any contract schema is built. zod 4 probes `new Function("")` when an
 * object schema is created; the renderer's CSP (script-src 'self', no 'unsafe-eval') refuses it and
 * reports a securitypolicyviolation even though zod catches the throw. Imported first by the
 * contract modules, so it runs before their schemas exist in every process (main, preload,
 * renderer, harness). Parsing without JIT gives the same results, a little slower.
 */
import { z } from 'zod';

z.config({ jitless: true });
