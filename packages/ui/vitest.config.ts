import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

const jsdomShims = decodeURIComponent(new URL('./src/test/node20-jsdom-shims.cjs', import.meta.url).pathname);

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'jsdom',
      setupFiles: ['./src/test/setup.ts'],
      include: ['src/**/*.test.{ts,tsx}'],
      css: false,
      // jsdom 31 needs Node 22 APIs; the shims let it run on Node 20 (see the file).
      execArgv: ['--require', jsdomShims],
      testTimeout: 15_000,
    },
  }),
);
