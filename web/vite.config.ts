import { defineConfig } from 'vite';

// The app is served by Snodo from the binary (web/embed.go); in `npm run dev` Vite proxies the
// API to a local Snodo on :8080.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // No inline scripts or data: modules, so the strict Content-Security-Policy holds.
    assetsInlineLimit: 0,
    // GraphiQL is one large page of its own, loaded only at /graphiql in development mode.
    chunkSizeWarningLimit: 1000,
    modulePreload: { polyfill: false },
    // Two pages: the app, and GraphiQL (served at /graphiql in development mode only), each with
    // its own scripts, so the app's pages never load GraphiQL's.
    rollupOptions: {
      input: { app: 'index.html', graphiql: 'graphiql.html' },
      // GraphiQL's React libraries carry "use client" directives, meaningless in a bundle.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/graphql': 'http://127.0.0.1:8080',
      '/config.json': 'http://127.0.0.1:8080',
      '/dev': 'http://127.0.0.1:8080',
    },
  },
});
