import { afterAll, expect, it } from "vitest";
import { closeSync, mkdtempSync, openSync, readSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { headline, runReport, runExample, runtimesOf, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));
// Fewer photos than the example's 24: the test checks what it does, not how fast. Full size
// (1600x1200), so that one thumbnail on the main thread blocks the loop far longer (about 0.5 s)
// than anything a loaded machine does to a pool's idle event loop.
const PHOTOS = 4;
// One output folder for all runtimes: the photos drawn by the first run are reused by the next.
const out = mkdtempSync(join(tmpdir(), "offloop-thumbs-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string) {
  const header = Buffer.alloc(24);
  const fd = openSync(path, "r");
  readSync(fd, header, 0, 24, 0);
  closeSync(fd);
  expect(header.toString("latin1", 1, 4), `${path} is not a PNG`).toBe("PNG");
  return { width: header.readUInt32BE(16), height: header.readUInt32BE(20) };
}

for (const runtime of runtimesOf(dir)) {
  it(`image-thumbnails on ${runtime.name}: thumbnails from the main thread, threads and processes fit in 200x200, and the pools keep the loop free`, async ({ skip }) => {
    const reason = unavailable(runtime, dir);
    if (reason) return skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { args: ["--photos", String(PHOTOS), "--out", out], timeout: 240_000 });
    const stdout = result.stdout;
    expect(result.code, runReport(result)).toBe(0);
    expect(stdout).toMatch(new RegExp(`ThreadPoolExecutor +\\[=+\\] ${PHOTOS}/${PHOTOS} 100%`));
    expect(stdout).toMatch(new RegExp(`ProcessPoolExecutor +\\[=+\\] ${PHOTOS}/${PHOTOS} 100%`));
    for (const folder of ["thumbnails-main-thread", "thumbnails-threads", "thumbnails-processes"]) {
      const thumbs = readdirSync(join(out, folder));
      expect(thumbs, folder).toHaveLength(PHOTOS);
      for (const name of thumbs) {
        const { width, height } = pngSize(join(out, folder, name));
        expect(`${folder}/${name}: ${width}x${height}`).toBe(`${folder}/${name}: 200x150`); // fits in 200x200, 4:3 kept, one side filled
      }
    }
    // Each phase prints its time, speedup and longest event-loop block ("<20 ms" when none over 20 ms).
    const block = (label: string) => {
      const match = new RegExp(`^${label} +${PHOTOS} thumbnails in +\\d+ ms .* longest event-loop block +(<20|\\d+) ms`, "m").exec(stdout);
      expect(match, `no ${label} line in:\n${stdout}`).toBeTruthy();
      return match![1] === "<20" ? 0 : Number(match![1]);
    };
    const mainBlock = block("main thread");
    // On the main thread every thumbnail blocks the loop for its whole duration; in a pool the loop stays free.
    expect(mainBlock, stdout).toBeGreaterThan(0);
    expect(block("ThreadPoolExecutor"), stdout).toBeLessThan(mainBlock);
    expect(block("ProcessPoolExecutor"), stdout).toBeLessThan(mainBlock);
    // The speedups are printed, not asserted (they depend on free cores).
    expect(headline(stdout)).toMatch(/^speedup [\d.]+x with processes, [\d.]+x with threads; event loop blocked (<20|\d+) ms at most \(main thread: \d+ ms\)$/);
  }, 300_000);
}
