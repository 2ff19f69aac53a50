// Builds the example with Vite, serves the build on 127.0.0.1 (vite preview, with the COOP/COEP
// headers of vite.config.ts) and starts Debian's headless Chromium through playwright-core.
// Used by the test (test/browser.test.ts) and by `pnpm start` / `pnpm demo` (scripts/demo.mjs).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, preview } from "vite";
import { chromium } from "playwright-core";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Debian's chromium package (`apt-get install chromium`); CHROMIUM_PATH overrides it. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Builds the app into a fresh folder and serves it; `close()` stops the server and removes the build. */
export async function buildAndServe() {
  const outDir = mkdtempSync(join(tmpdir(), "offloop-browser-example-"));
  await build({ root, logLevel: "warn", build: { outDir, emptyOutDir: true } });
  const server = await preview({ root, logLevel: "warn", build: { outDir }, preview: { host: "127.0.0.1", port: 0, strictPort: false, open: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("vite preview gave no local URL");
  return {
    url,
    async close() {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium with the flags that keep it off the network (this machine's network is closed). */
export async function launchChromium() {
  if (!existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH. Playwright's own browser download is not used.`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Reads the numbers the page shows. */
export async function readPage(page) {
  return page.evaluate(() => ({
    state: document.body.dataset.state,
    status: document.getElementById("status").textContent,
    ticks: Number(document.getElementById("ticks").textContent),
    isolated: document.getElementById("isolated").textContent,
    progress: { value: document.getElementById("progress").value, max: document.getElementById("progress").max },
    runs: [...document.querySelectorAll("#runs tr")].map((row) => [...row.children].map((cell) => cell.textContent)),
  }));
}

/** Clicks a button and waits until the page leaves the "running" state. */
export async function runAndWait(page, button, timeout = 120_000) {
  await page.click(`[data-testid="${button}"]`);
  await page.waitForFunction(() => document.body.dataset.state !== "running", undefined, { timeout, polling: 100 });
  return readPage(page);
}
