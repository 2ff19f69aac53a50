import { expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { headline, runReport, runExample, runtimesOf, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimesOf(dir)) {
  it(`db-queries on ${runtime.name}: rows, at most 5 queries at once, one connection per worker`, async ({ skip }) => {
    const reason = unavailable(runtime, dir);
    if (reason) return skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 90_000 });
    expect(result.code, runReport(result)).toBe(0);
    expect(result.stdout).toMatch(/customer 1 +50 orders +total +2250\.00/);
    const peak = Number(/peak in flight (\d+) \(limit 5\)/.exec(result.stdout)?.[1]);
    expect(peak >= 1 && peak <= 5, `peak ${peak}:\n${result.stdout}`).toBe(true);
    const [, workers, connections] = /workers used: (\d+), connections: (\d+), one per worker, each opened once by the initializer/.exec(result.stdout) ?? [];
    expect(Number(workers) >= 1 && workers === connections, result.stdout).toBe(true);
    expect(headline(result.stdout)).toMatch(/^40 queries, [1-5] at most at once \(limit 5\), one connection per worker \([1-5]\)$/);
  }, 120_000);
}
