// Builds the bare React page exactly as ../vite.config.ts builds the console (same plugins, defaults).
import { fileURLToPath, URL } from 'node:url'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'
import { defineConfig } from 'vite'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), tailwindcss()],
  build: { outDir: fileURLToPath(new URL('../dist-baseline', import.meta.url)), emptyOutDir: true },
})
