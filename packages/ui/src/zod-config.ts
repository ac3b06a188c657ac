/**
 * Imported first by main.tsx, before any schema is built or parsed. zod 4 compiles object parsers
 * with `new Function` when it may, and finds out whether it may by trying once; under the page's
 * Content-Security-Policy (script-src 'self', no 'unsafe-eval') that try is a CSP violation the
 * browser reports (Lighthouse best practices: "Content security policy" issue). Jitless, zod
 * never tries: the interpreted parser is all the browser needs for forms of a few dozen fields.
 */
import { config } from 'zod';

config({ jitless: true });
