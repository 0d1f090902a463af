import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: 'web',
  publicDir: 'public',
  base: '/',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Never inline assets as data: URLs; everything is a file the service worker precaches.
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
  // SSH runs in the browser (core/ssh on @microsoft/dev-tunnels-ssh, in a worker). The library and
  // vscode-jsonrpc@4 require Node built-ins (and optional node-rsa) on code paths the browser never takes: point those at
  // a stub. `global` is Node's name for globalThis. Buffer and process come from
  // web/src/workers/ssh-shims.ts, imported first by the worker.
  resolve: {
    alias: Object.fromEntries(['crypto', 'stream', 'net', 'path', 'os', 'fs', 'node-rsa'].map((m) => [m, fileURLToPath(new URL('./web/src/workers/ssh-node-builtins-stub.ts', import.meta.url))])),
  },
  define: { global: 'globalThis' },
  server: { host: '127.0.0.1', port: 5173 },
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: '../sw',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,wasm,png,svg,ico,webmanifest,json,txt}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
      manifest: {
        name: 'SFTP Courier',
        short_name: 'Courier',
        description: 'Deliver data files with their .hash control files to registry SFTP servers.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#0b5394',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
});
