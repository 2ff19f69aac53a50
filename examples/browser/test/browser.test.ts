import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
// @ts-expect-error: a plain .mjs helper, shared with scripts/demo.mjs
import { buildAndServe, launchChromium, readPage, runAndWait } from "../scripts/app.mjs";

type PageState = {
  state: string;
  status: string;
  ticks: number;
  isolated: string;
  progress: { value: number; max: number };
  runs: string[][];
};

let app: { url: string; close(): Promise<void> };
let browser: Browser;
const pageErrors: string[] = [];

async function open(query: string): Promise<Page> {
  const page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${app.url}?${query}`);
  await page.waitForFunction(() => document.body.dataset.state === "ready");
  return page;
}

beforeAll(async () => {
  app = await buildAndServe();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("examples/browser: the built app in headless Chromium", () => {
  it("is served cross-origin isolated, so SharedArrayBuffer is there", async () => {
    const page = await open("limit=1000000");
    expect(((await readPage(page)) as PageState).isolated).toBe("yes");
    await page.close();
  });

  it("counts the primes below 1,000,000 in workers, with the progress bar full at the end", async () => {
    const page = await open("limit=1000000");
    const shown = (await runAndWait(page, "run-workers")) as PageState;
    expect(shown.state).toBe("done");
    expect(shown.status).toBe("78498 primes below 1000000 (workers)");
    expect(shown.progress).toEqual({ value: 20, max: 20 });
    expect(shown.runs).toHaveLength(1);
    expect(shown.runs[0]!.slice(0, 3)).toEqual(["workers", "78498", "20/20"]);
    await page.close();
  });

  it("counts the same on the main thread, where the page's timer cannot tick at all", async () => {
    const page = await open("limit=1000000");
    const shown = (await runAndWait(page, "run-main")) as PageState;
    expect(shown.status).toBe("78498 primes below 1000000 (main thread)");
    const [where, primes, ranges, , ticksDuring] = shown.runs[0]!;
    expect([where, primes, ranges]).toEqual(["main thread", "78498", "20/20"]);
    expect(ticksDuring).toBe("0");
    await page.close();
  });

  it("keeps ticking and answers clicks while the workers are busy, and Cancel stops them", async () => {
    // A count that would take hours: the workers are busy for as long as the test looks.
    const page = await open("limit=4000000000&range=4000000");
    await page.click('[data-testid="run-workers"]');
    await page.waitForFunction(() => document.body.dataset.state === "running");
    const before = ((await readPage(page)) as PageState).ticks;
    // The page's own 50 ms timer keeps firing while every worker counts.
    await page.waitForFunction((start) => Number(document.getElementById("ticks")!.textContent) >= start + 3, before, { polling: 20 });
    expect(((await readPage(page)) as PageState).state).toBe("running");
    // A click is handled at once, too: Cancel aborts map(), which cancels the running tasks.
    await page.click('[data-testid="cancel"]');
    await page.waitForFunction(() => document.body.dataset.state === "cancelled");
    const shown = (await readPage(page)) as PageState;
    expect(shown.status).toMatch(/^cancelled after \d+ of 1000 ranges$/);
    const row = shown.runs[0]!;
    expect(row[0]).toBe("workers (cancelled)");
    expect(Number(row[4])).toBeGreaterThanOrEqual(3);
    await page.close();
  });

  it("raised no error on any page", () => {
    expect(pageErrors).toEqual([]);
  });
});
