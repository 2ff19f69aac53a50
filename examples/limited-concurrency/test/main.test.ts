import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { failureReason, runExample, runtimes, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimes) {
  test(`limited-concurrency on ${runtime.name}: 10 jobs, never more than 3 in flight`, async (t) => {
    const reason = unavailable(runtime, dir);
    if (reason) return t.skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 30_000 });
    assert.equal(result.code, 0, failureReason(result));
    assert.match(result.stdout, /peak in flight: 3 \(semaphore holders: 3\)/);
    const rows = result.stdout.split("\n").filter((line) => /^job +\d+ \|[#.]+\|/.test(line));
    assert.equal(rows.length, 10, result.stdout);
    // In every column of the timeline, at most 3 jobs are running.
    const bars = rows.map((row) => /\|([#.]+)\|/.exec(row)![1]);
    for (let c = 0; c < bars[0].length; c++) assert.ok(bars.filter((bar) => bar[c] === "#").length <= 3, `column ${c}:\n${rows.join("\n")}`);
  });
}
