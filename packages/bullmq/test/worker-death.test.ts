// A worker host is SIGKILLed while it runs jobs: BullMQ's stalled-job check on
// the surviving host re-queues them, every Future settles exactly once with the
// right result, and Redis recorded one completion per job.
import { afterAll, beforeAll, describe, it } from "vitest";
import { describeOrSkip } from "@offloop/contract-tests";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { BullMQExecutor } from "@offloop/bullmq";
import tasks from "./fixtures/tasks.mjs";
import { redisAvailable, skipReason, startRedis, type RedisServer } from "./redis.js";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const queue = "worker-death";

function startHost(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [cli, "--queue", queue, "--redis", `redis://127.0.0.1:${port}`, "--max-workers", "2", "--lock-duration", "1000", "--stalled-interval", "500"],
    { stdio: ["ignore", "inherit", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk;
      if (output.includes("serving queue")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`host exited with ${code}: ${output}`)));
  });
}

describeOrSkip(skipReason)("a worker host dies mid-job", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    if (redisAvailable) redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  it("re-queues its jobs to the surviving host: no result lost, none delivered twice", { timeout: 60_000 }, async () => {
    const doomed = await startHost(redis.port);
    const survivor = await startHost(redis.port);
    const executor = new BullMQExecutor({ connection: redis.connection, queue });
    const startedOn = new Map<number, number[]>();
    const settlements = new Map<number, number>();
    try {
      const ids = Array.from({ length: 8 }, (_, id) => id);
      const futures = ids.map((id) =>
        executor.run(tasks.slow, [id, 1500], {
          onProgress: (value) => {
            const { startedOn: pid } = value as { startedOn: number };
            startedOn.set(id, [...(startedOn.get(id) ?? []), pid]);
          },
        }),
      );
      for (const [index, future] of futures.entries()) {
        void future.then(() => settlements.set(index, (settlements.get(index) ?? 0) + 1));
      }
      // Kill the doomed host once it is running some of the jobs.
      for (let waited = 0; ![...startedOn.values()].some((pids) => pids.includes(doomed.pid!)); waited += 20) {
        assert.ok(waited < 15_000, "the doomed host never started a job");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      doomed.kill("SIGKILL");
      const results = await Promise.all(futures);

      assert.deepEqual(results.map((result) => result.id), ids, "every job's own result, in order");
      for (const result of results) assert.equal(result.finishedOn, survivor.pid, "only the survivor can have finished a job");
      const rerun = ids.filter((id) => startedOn.get(id)?.includes(doomed.pid!));
      assert.ok(rerun.length > 0, "some jobs had started on the doomed host");
      for (const id of rerun) assert.ok(startedOn.get(id)!.includes(survivor.pid!), `job ${id} ran again on the survivor`);

      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual([...settlements.values()], ids.map(() => 1), "each Future settled once");
      assert.equal(executor.stats.completed, ids.length);
      assert.equal(executor.stats.failed, 0);
      // And Redis itself recorded exactly one completion per job.
      const client = new Redis(redis.connection);
      const events = await client.xrange(`bull:${queue}:events`, "-", "+");
      client.disconnect();
      const completions = new Map<string, number>();
      for (const [, fields] of events) {
        const record = Object.fromEntries(fields.flatMap((_, index) => (index % 2 === 0 ? [[fields[index], fields[index + 1]]] : [])));
        if (record.event === "completed") completions.set(record.jobId!, (completions.get(record.jobId!) ?? 0) + 1);
      }
      assert.equal(completions.size, ids.length);
      assert.ok([...completions.values()].every((count) => count === 1), `completions per job: ${[...completions.values()]}`);
      assert.ok(events.some(([, fields]) => fields[1] === "stalled"), "BullMQ saw the stalled jobs");
    } finally {
      await executor.shutdown({ cancelPending: true });
      doomed.kill("SIGKILL");
      survivor.kill("SIGTERM");
      await new Promise((resolve) => (survivor.exitCode !== null ? resolve(null) : survivor.once("exit", resolve)));
    }
  });
});
