import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname);

/**
 * `@core/*` imports single browser-safe modules of packages/core (zod schemas, label maps, pure
 * helpers). The package entry also re-exports the rules engine (json-rules-engine) and the
 * bundled rule files, which the browser never needs, so the UI does not import '@psbook/core'.
 */
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      '@core': here('../core/src'),
      '@rules': here('../../rules'),
    },
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
  },
});
