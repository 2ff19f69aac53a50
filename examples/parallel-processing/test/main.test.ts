import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { failureReason, runExample, runtimes, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimes) {
  test(`parallel-processing on ${runtime.name}: pools agree with the main thread and print their speedup`, async (t) => {
    const reason = unavailable(runtime, dir);
    if (reason) return t.skip(reason);
    const result = await runExample(runtime, dir, "main.ts");
    assert.equal(result.code, 0, failureReason(result));
    assert.match(result.stdout, new RegExp(`parallel-processing on ${runtime.name}:`));
    assert.match(result.stdout, /all 3 agree: 148,933 primes/);
    const speedup = Number(/ThreadPoolExecutor\s+\d+ ms\s+speedup ([\d.]+)x/.exec(result.stdout)?.[1]);
    assert.ok(speedup > 0, `no ThreadPoolExecutor line in:\n${result.stdout}`);
    // The speedup is printed, not asserted: tests check behaviour, benchmarks measure speed (internal/bench).
  });
}
