/**
 * What `zod` means in the browser build (vite.config.ts aliases the bare specifier here): zod with
 * `jitless` set before any module can build a schema. zod 4 compiles object parsers with
 * `new Function` when it may, and finds out whether it may by trying once, when an object schema is
 * constructed; under the page's Content-Security-Policy (script-src 'self', no 'unsafe-eval') that
 * try is a CSP violation the browser reports (Lighthouse best practices: "Content security policy"
 * issue). Jitless, zod never tries: the interpreted parser is all the browser needs for forms of a
 * few dozen fields.
 *
 * An alias rather than an import at the top of main.tsx: zod then loads with the first module that
 * uses it (a form's screen), not with the entry script, which draws the first screen without zod
 * (performance §4.8).
 */
import { config } from 'zod/v4';

config({ jitless: true });

export * from 'zod/v4';
