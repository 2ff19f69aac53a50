import { defineConfig } from "vite";

// Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which offloop uses for
// exact crash accounting and which shared-memory tasks need. Plain results, errors, progress,
// transfer lists and cancellation work without it.
const crossOriginIsolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  server: { host: "127.0.0.1", headers: crossOriginIsolation },
  preview: { host: "127.0.0.1", headers: crossOriginIsolation },
});
