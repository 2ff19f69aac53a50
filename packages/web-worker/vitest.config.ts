// The browser run: vitest's browser mode drives Debian's headless Chromium through Playwright
// (playwright-core; Playwright's own browser download is never used). The shared contract suite
// runs in the page, its executors start real web Workers on test/fixtures/worker.ts.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  throw new Error(`No Chromium at ${executablePath}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.`);
}
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const nodeOnly = here("./test/support/node-only.ts");

// Cross-origin isolation, so that SharedArrayBuffer exists and the shared-memory tests run.
const crossOriginIsolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  server: { host: "127.0.0.1", headers: crossOriginIsolation },
  resolve: {
    alias: [
      { find: /^node:assert(\/strict)?$/, replacement: here("./test/support/assert.ts") },
      { find: /^node:(child_process|fs|url)$/, replacement: nodeOnly },
    ],
  },
  optimizeDeps: { include: ["fast-check"] },
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      // A failing test says why in its message; a picture of the test runner's page adds nothing.
      screenshotFailures: false,
      api: { host: "127.0.0.1" },
      provider: playwright({
        launchOptions: {
          executablePath,
          args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        },
      }),
      instances: [{ browser: "chromium" }],
    },
  },
});
