/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import tailwindcss from '@tailwindcss/vite'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The console. bench-baseline/vite.config.ts builds the bare React page with the same plugins
// and build defaults, so `make bench` compares like with like.
const webPort = Number(process.env.WEB_PORT ?? 5173)

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { host: '127.0.0.1', port: webPort, strictPort: true },
  // Pre-bundle up front, so the dev server never reloads the page mid-test on discovering a dependency.
  optimizeDeps: { include: ['react', 'react/jsx-runtime', 'react-dom/client', '@tanstack/react-query'] },
  preview: { host: '127.0.0.1', port: Number(process.env.PREVIEW_PORT ?? 4173), strictPort: true },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    // One DOM per worker, not one per file: building jsdom for each file was most of the suite's
    // CPU. What a test leaves behind (the DOM, storage, the address bar, the module-level stores)
    // is put back after each test in src/test/setup.ts, so no file depends on running first.
    isolate: false,
    restoreMocks: true,
    testTimeout: 20_000, // a ceiling, not a wait: see src/test/setup.ts
    unstubGlobals: true,
  },
})
