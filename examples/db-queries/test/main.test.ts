import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { failureReason, runExample, runtimes, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimes) {
  test(`db-queries on ${runtime.name}: rows, at most 5 queries at once, one connection per worker`, async (t) => {
    const reason = unavailable(runtime, dir);
    if (reason) return t.skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 60_000 });
    assert.equal(result.code, 0, failureReason(result));
    assert.match(result.stdout, /customer 1 +50 orders +total +2250\.00/);
    const peak = Number(/peak in flight (\d+) \(limit 5\)/.exec(result.stdout)?.[1]);
    assert.ok(peak >= 1 && peak <= 5, `peak ${peak}:\n${result.stdout}`);
    const [, workers, connections] = /workers used: (\d+), connections: (\d+), one per worker, each opened once by the initializer/.exec(result.stdout) ?? [];
    assert.ok(Number(workers) >= 1 && workers === connections, result.stdout);
  });
}
