import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  worker: { format: 'es' },
  build: {
    // dist/ also holds the command line compiled by tsc; the web build keeps to its own folder.
    outDir: 'dist/web',
    target: 'es2022',
    assetsInlineLimit: (file: string) => (file.endsWith('.wasm') ? false : undefined),
    rolldownOptions: {
      // Two pages: the game, and the teacher's dashboard that the classroom server serves.
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        teacher: fileURLToPath(new URL('./teacher.html', import.meta.url)),
      },
      output: {
        manualChunks: (id: string) => (id.includes('node_modules/phaser') ? 'phaser' : undefined),
      },
    },
  },
  server: { port: 5173 },
});
