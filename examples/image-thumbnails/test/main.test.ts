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
  it(`image-thumbnails on ${runtime.name}: thumbnails from the main thread, threads and processes fit in 200x200, and the pools keep the loop free most of the time`, async ({ skip }) => {
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
    // Each phase prints its time, its speedup and for how much of it the event loop was blocked.
    const blocked = (label: string) => {
      const match = new RegExp(`^${label} +${PHOTOS} thumbnails in +\\d+ ms .* event loop blocked +(\\d+)% of the time \\(longest \\d+ ms\\)`, "m").exec(stdout);
      expect(match, `no ${label} line in:\n${stdout}`).toBeTruthy();
      return Number(match![1]);
    };
    // On the main thread every thumbnail blocks the loop while it is made; in a pool the loop stays free
    // (a loaded machine can stall it now and then, never for most of the time).
    const mainBlocked = blocked("main thread");
    expect(blocked("ThreadPoolExecutor"), stdout).toBeLessThan(mainBlocked);
    expect(blocked("ProcessPoolExecutor"), stdout).toBeLessThan(mainBlocked);
    // The speedups are printed, not asserted (they depend on free cores).
    expect(headline(stdout)).toMatch(/^speedup [\d.]+x with processes, [\d.]+x with threads; event loop blocked \d+% and \d+% of the time \(main thread: \d+%\)$/);
  }, 300_000);
}
