import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { failureReason, runExample, runtimes, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimes) {
  test(`error-handling on ${runtime.name}: results and errors with class, message, cause and the frame in the task`, async (t) => {
    const reason = unavailable(runtime, dir);
    if (reason) return t.skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 30_000 });
    assert.equal(result.code, 0, failureReason(result));
    const out = result.stdout;
    assert.match(out, /job 1: ok +record 1: total 10/);
    assert.match(out, /job 2: InvalidRecordError: record 2 has a negative total \(-3\)\n +instanceof InvalidRecordError: true\n +record field: 2\n +thrown at .*riskyJob tasks\.mjs:\d+:\d+/);
    assert.match(out, /job 3: ok +record 3: total 7/);
    assert.match(out, /job 4: SyntaxError: record 4 is not JSON\n +instanceof InvalidRecordError: false\n +cause: SyntaxError: .+\n +thrown at .*riskyJob tasks\.mjs:\d+:\d+/);
    assert.match(out, /job 5: InvalidRecordError: record 5 has no total\n(.*\n){2} +cause: TypeError: total is null/);
    assert.match(out, /2 ok, 3 failed/);
  });
}
