#!/usr/bin/env node
// `pnpm start` (and `pnpm demo`, through the "offloop" field of package.json): builds the app,
// opens it in headless Chromium, counts the primes in workers and then on the main thread, and
// prints what the page showed, ending with a `headline:` line.
//   node scripts/demo.mjs [--limit N] [--screenshot file.png]
import { buildAndServe, launchChromium, runAndWait } from "./app.mjs";

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const limit = Number(option("--limit") ?? 3_000_000);
const screenshot = option("--screenshot");

const app = await buildAndServe();
const browser = await launchChromium();
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${app.url}?limit=${limit}`);
  const workers = await runAndWait(page, "run-workers");
  const main = await runAndWait(page, "run-main");
  console.log(`served at ${app.url} (cross-origin isolated: ${main.isolated})`);
  console.log("| where | primes | ranges | time | timer ticks during the run |\n|---|---|---|---|---|");
  for (const row of main.runs) console.log(`| ${row.join(" | ")} |`);
  const [workerRow, mainRow] = main.runs;
  failed = workers.state !== "done" || main.state !== "done" || workerRow?.[1] !== mainRow?.[1];
  if (failed) console.error(`unexpected page state: ${workers.status} / ${main.status}`);
  else {
    console.log(
      `headline: ${workerRow[1]} primes in Chromium; ${workerRow[3]} in workers while the page timer ticked ${workerRow[4]} times, ${mainRow[3]} on the main thread with ${mainRow[4]} ticks`,
    );
  }
  if (screenshot) {
    await page.screenshot({ path: screenshot });
    console.log(`screenshot: ${screenshot}`);
  }
} finally {
  await browser.close();
  await app.close();
}
process.exit(failed ? 1 : 0);
