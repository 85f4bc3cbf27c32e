import { defineConfig } from 'vite';

export default defineConfig({
  worker: { format: 'es' },
  build: {
    // dist/ also holds the command line compiled by tsc; the web build keeps to its own folder.
    outDir: 'dist/web',
    target: 'es2022',
    assetsInlineLimit: (file: string) => (file.endsWith('.wasm') ? false : undefined),
    rolldownOptions: {
      output: {
        manualChunks: (id: string) => (id.includes('node_modules/phaser') ? 'phaser' : undefined),
      },
    },
  },
  server: { port: 5173 },
});
