import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { failureReason, runExample, runtimes, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimes) {
  test(`timeout on ${runtime.name}: TimeoutError, the worker is replaced and the side effect never happens`, async (t) => {
    const reason = unavailable(runtime, dir);
    if (reason) return t.skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 30_000 });
    assert.equal(result.code, 0, failureReason(result));
    assert.match(result.stdout, /TimeoutError after \d+ ms: Timed out after 500 ms/);
    assert.match(result.stdout, /worker (\d+) was terminated; worker (?!\1)\d+ serves the next task/);
    assert.match(result.stdout, /side effect never happened: the task was really stopped/);
    assert.match(result.stdout, /"cancelled":1/);
  });
}
