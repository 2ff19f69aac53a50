// Runs the example as its README says, against a throwaway redis-server: one
// producer, two worker host processes (Node 24, which loads tasks.ts in the
// hosts' worker threads), all jobs done, both hosts used.
import { afterAll, beforeAll, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { skipReason, startRedis, type RedisServer } from "../../../packages/bullmq/test/redis.ts";
import { headline, runReport, runExample, runtimesOf, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));
let redis: RedisServer | undefined;
beforeAll(async () => {
  if (!skipReason) redis = await startRedis();
});
afterAll(() => redis?.stop());

for (const runtime of runtimesOf(dir)) {
  it(`distributed on ${runtime.name}: two worker hosts share the jobs and the throughput is printed`, async ({ skip }) => {
    const reason = skipReason || unavailable(runtime, dir);
    if (reason) return skip(reason);
    // 40 jobs of 100,000 numbers (tens of ms each): long enough that one host cannot take them all
    // before the other wakes up, even on a loaded machine.
    const result = await runExample(runtime, dir, "main.ts", {
      env: { REDIS_URL: `redis://127.0.0.1:${redis!.port}`, JOBS: "40", LIMIT: "4000000", THREADS_PER_HOST: "1" },
      timeout: 90_000,
    });
    expect(result.code, runReport(result)).toBe(0);
    expect(result.stdout).toMatch(/primes below 4,000,000: 283,146/);
    expect(result.stdout).toMatch(/throughput: [\d.]+ jobs\/s \(40 jobs in/);
    const hosts = [...result.stdout.matchAll(/worker host pid \d+: (\d+) jobs/g)].map((match) => Number(match[1]));
    expect(hosts, `expected both hosts to run jobs:\n${result.stdout}`).toHaveLength(2);
    expect(hosts.reduce((a, b) => a + b, 0)).toBe(40);
    expect(headline(result.stdout)).toMatch(/^40 jobs on 2 worker hosts \(\d+ \+ \d+\), [\d.]+ jobs\/s$/);
  }, 120_000);
}
