import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const here = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname);

/**
 * Brotli and gzip copies of every text file of the build (x.js → x.js.br, x.js.gz), made once at
 * build time at the highest levels, so the server sends them with no compression work per request
 * (packages/api/src/server.ts serves them by Accept-Encoding). Files under 1 KiB are left alone:
 * the headers would cost more than the saving.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return {
    name: 'psbook-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/') ? config.build.outDir : join(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const path of walk(outDir)) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(path)) continue;
        const content = readFileSync(path);
        if (content.length < 1024) continue;
        const br = brotliCompressSync(content, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          },
        });
        const gz = gzipSync(content, { level: 9 });
        if (br.length < content.length) writeFileSync(`${path}.br`, br);
        if (gz.length < content.length) writeFileSync(`${path}.gz`, gz);
      }
    },
  };
}

/**
 * The stylesheet moves from <head> to just after the app's root element. In the head it held back
 * every paint, so index.html's own loading indicator (styled inline) was first drawn only once the
 * CSS had arrived — on a slow line together with the scripts, which Lighthouse counted into the
 * first contentful paint. After #root it holds back only what follows it, and the parser stops at
 * it, so the app's module scripts (deferred until the document is parsed) still never run before
 * the styles are there.
 */
function stylesheetAfterRoot(): Plugin {
  return {
    name: 'psbook-stylesheet-after-root',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const links = html.match(/\s*<link rel="stylesheet"[^>]*>/g) ?? [];
        if (!links.length) return html;
        let out = html;
        for (const link of links) out = out.replace(link, '');
        const rootEnd = out.indexOf('</div>\n    <noscript>');
        if (rootEnd < 0) throw new Error('index.html: the app root (#root followed by <noscript>) was not found');
        const at = rootEnd + '</div>'.length;
        return `${out.slice(0, at)}${links.map((l) => `\n    ${l.trim()}`).join('')}${out.slice(at)}`;
      },
    },
  };
}

/**
 * `@core/*` imports single browser-safe modules of packages/core (zod schemas, label maps, pure
 * helpers). The package entry also re-exports the rules engine (json-rules-engine) and the
 * bundled rule files, which the browser never needs, so the UI does not import '@psbook/core'.
 */
export default defineConfig({
  plugins: [react(), stylesheetAfterRoot(), precompress()],
  resolve: {
    alias: [
      { find: '@core', replacement: here('../core/src') },
      { find: '@rules', replacement: here('../../rules') },
      // Bare `zod` only (not `zod/v4`, which src/zod-jitless.ts itself imports): zod with jitless set.
      { find: /^zod$/, replacement: here('./src/zod-jitless.ts') },
    ],
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.PSBOOK_API ?? 'http://localhost:8790', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      output: {
        // zod and src/zod-jitless.ts in one chunk: one file, loaded with the first screen that
        // validates or parses (not with the entry script, performance §4.8).
        manualChunks(id) {
          if (id.includes('/node_modules/zod/') || id.endsWith('/src/zod-jitless.ts')) return 'zod';
          return undefined;
        },
      },
    },
  },
});
