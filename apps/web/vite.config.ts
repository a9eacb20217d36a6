// The dashboard is built into dist/web, which the API serves at `/` (apps/api/src/web/web-app.ts).
import * as path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(__dirname, '../../dist/web'),
    emptyOutDir: true,
    // ECharts is most of the bundle; a chunk of its own stays cached while the pages change.
    rollupOptions: { output: { manualChunks: { echarts: ['echarts'], react: ['react', 'react-dom', 'react-router-dom'] } } },
    chunkSizeWarningLimit: 1200,
  },
  // `npm run web:dev`: Vite's dev server in front of an API on :3000.
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
