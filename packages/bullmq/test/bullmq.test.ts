// What BullMQExecutor and startWorker do beyond the shared contract: retries,
// task modules found under each side's own root, hosts counted in stats,
// option errors at construction, and the CLI.
import { afterAll, beforeAll, describe, it } from "vitest";
import { describeOrSkip } from "@offloop/contract-tests";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BullMQExecutor, startWorker } from "@offloop/bullmq";
import tasks from "./fixtures/tasks.mjs";
import producerTasks from "./fixtures/producer/tasks.mjs";
import { redisAvailable, skipReason, startRedis, type RedisServer } from "./redis.js";

const fixtures = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url));
let queues = 0;

describeOrSkip(skipReason)("@offloop/bullmq", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    if (redisAvailable) redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  /** A producer and one in-process host on a fresh queue, closed after `body`. */
  async function withPair(
    options: { executor?: Partial<ConstructorParameters<typeof BullMQExecutor>[0]>; host?: Partial<Parameters<typeof startWorker>[0]> },
    body: (executor: BullMQExecutor) => Promise<void>,
  ): Promise<void> {
    const queue = `bullmq-${++queues}`;
    const host = startWorker({ connection: redis.connection, queue, maxWorkers: 1, ...options.host });
    const executor = new BullMQExecutor({ connection: redis.connection, queue, ...options.executor });
    try {
      await body(executor);
    } finally {
      await executor.shutdown({ cancelPending: true });
      await host.close();
    }
  }

  it("retries a failing task with attempts and backoff, and fails at once without them", () =>
    withPair({ executor: { attempts: 3, backoff: 10 } }, async (executor) => {
      assert.equal(await executor.submit(tasks.flaky, 2), 3, "succeeded on the third attempt");
    }).then(() =>
      withPair({}, async (executor) => {
        await assert.rejects(executor.submit(tasks.flaky, 2), { name: "Error", message: "failure 1" });
      }),
    ));

  it("finds ./relative task modules under each side's own root", () =>
    withPair({ executor: { root: fixtures("producer") }, host: { root: fixtures("host"), executor: "inline" } }, async (executor) => {
      assert.equal(await executor.submit(producerTasks.where), "the host's copy");
    }));

  it("counts the worker hosts serving the queue in stats.workers", async () => {
    const queue = `bullmq-${++queues}`;
    const hosts = [1, 2].map(() => startWorker({ connection: redis.connection, queue, executor: "inline" }));
    await Promise.all(hosts.map((host) => host.ready));
    const executor = new BullMQExecutor({ connection: redis.connection, queue });
    try {
      assert.deepEqual(await Promise.all([1, 2, 3].map((n) => executor.submit(tasks.add, n, n))), [2, 4, 6]);
      for (let waited = 0; executor.stats.workers !== 2 && waited < 3000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(executor.stats.workers, 2);
      assert.equal(executor.stats.idle, 2);
    } finally {
      await executor.shutdown();
      await Promise.all(hosts.map((host) => host.close()));
    }
    assert.equal(executor.stats.workers, 0, "an executor that is shut down sees no hosts");
  });

  it("rejects bad options at construction, naming them", () => {
    const connection = { host: "127.0.0.1", port: 1 };
    assert.throws(() => new BullMQExecutor({ connection } as never), /Expected queue to be a non-empty string/);
    assert.throws(() => new BullMQExecutor({ connection, queue: "a:b" }), /without ":"/);
    assert.throws(() => new BullMQExecutor({ connection, queue: "q", maxWorkers: 2 } as never), /Unknown option "maxWorkers"/);
    assert.throws(() => new BullMQExecutor({ connection, queue: "q", attempts: 0 }), RangeError);
    assert.throws(() => startWorker({ connection, queue: "q", executor: "gpu" as never }), /Expected executor to be "threads", "processes" or "inline", got "gpu"/);
    assert.throws(() => startWorker({ connection, queue: "q", executor: "inline", maxWorkers: -1 }), RangeError);
  });

  it("offloop-worker prints its usage, and refuses to start without --queue", () => {
    const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
    const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: offloop-worker --queue NAME/);
    const missing = spawnSync(process.execPath, [cli], { encoding: "utf8" });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--queue is required/);
  });
});
