// Runs the example as its README says, against a throwaway redis-server: one
// producer, two worker host processes, all jobs done, both hosts used.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { skipReason, startRedis, type RedisServer } from "../../../packages/bullmq/test/redis.ts";

const dir = fileURLToPath(new URL("..", import.meta.url));
let redis: RedisServer | undefined;
before(async () => {
  if (!skipReason) redis = await startRedis();
});
after(() => redis?.stop());

test("distributed on Node: two worker hosts share the jobs and the throughput is printed", { skip: skipReason, timeout: 90_000 }, async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: dir,
    env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${redis!.port}`, JOBS: "40", LIMIT: "400000", THREADS_PER_HOST: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.once("exit", resolve));
  assert.equal(code, 0, `exit ${code}\n${stdout}\n${stderr}`);
  assert.match(stdout, /primes below 400,000: 33,860/);
  assert.match(stdout, /throughput: [\d.]+ jobs\/s \(40 jobs in/);
  const hosts = [...stdout.matchAll(/worker host pid \d+: (\d+) jobs/g)].map((match) => Number(match[1]));
  assert.equal(hosts.length, 2, `expected both hosts to run jobs:\n${stdout}`);
  assert.equal(hosts.reduce((a, b) => a + b, 0), 40);
});
