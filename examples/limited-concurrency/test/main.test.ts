import { expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { headline, runReport, runExample, runtimesOf, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimesOf(dir)) {
  it(`limited-concurrency on ${runtime.name}: 10 jobs, never more than 3 in flight`, async ({ skip }) => {
    const reason = unavailable(runtime, dir);
    if (reason) return skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 60_000 });
    expect(result.code, runReport(result)).toBe(0);
    expect(result.stdout).toMatch(/peak in flight: 3 \(semaphore holders: 3\)/);
    const rows = result.stdout.split("\n").filter((line) => /^job +\d+ \|[#.]+\|/.test(line));
    expect(rows, result.stdout).toHaveLength(10);
    // In every column of the timeline, at most 3 jobs are running.
    const bars = rows.map((row) => /\|([#.]+)\|/.exec(row)![1]);
    for (let c = 0; c < bars[0].length; c++) expect(bars.filter((bar) => bar[c] === "#").length, `column ${c}:\n${rows.join("\n")}`).toBeLessThanOrEqual(3);
    expect(headline(result.stdout)).toBe("10 jobs, 3 at most at once (Semaphore(3))");
  }, 90_000);
}
