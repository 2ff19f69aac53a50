import { afterAll, describe } from "vitest";
import { Redis } from "ioredis";
import { itOrSkip, runReliabilitySuite } from "@offloop/contract-tests";
import { ownOptions } from "@offloop/core";
import { BullMQExecutor, startWorker, type WorkerHost } from "@offloop/bullmq";
import { redisAvailable, skipReason, startRedis, type RedisServer } from "./redis.js";

// The reliability suite, written once for every executor, against a real redis-server: each
// executor is a producer plus a worker host in this process whose tasks run in a thread pool.
// Pool options configure the host; maxQueue and captureCallSite belong to the producer.
if (!redisAvailable) {
  describe("reliability: bullmq", () => itOrSkip(skipReason)("needs redis-server", () => {}));
} else {
  const redis: RedisServer = await startRedis();
  const shared = new Redis({ ...redis.connection, maxRetriesPerRequest: null });
  const started = new Set<WorkerHost>();
  let queues = 0;

  runReliabilitySuite({
    name: "bullmq (thread-pool worker host)",
    runtime: "node",
    remoteWorkers: "the workers are BullMQ hosts elsewhere: stats.workers counts hosts, maxQueue counts jobs no host has taken, and a job waits in Redis until a host takes it",
    createExecutor(options = {}) {
      // Own properties only, as every executor reads its options (the suite pollutes Object.prototype once).
      const { maxQueue, captureCallSite, ...hostOptions } = ownOptions(options) as Record<string, unknown>;
      const queue = `reliability-${++queues}`;
      const host = startWorker({ connection: redis.connection, queue, executor: "threads", ...hostOptions });
      started.add(host);
      const executor = new BullMQExecutor({ connection: shared, queue, maxQueue: maxQueue as number | undefined, captureCallSite: captureCallSite as boolean | undefined });
      const shutdown = executor.shutdown.bind(executor);
      // Checks its options at the call, like every executor's shutdown; the host closes once the
      // producer's work is done (with wait: false too, which returns at once).
      let hostClosed: Promise<void> | undefined;
      executor.shutdown = (shutdownOptions) => {
        const result = shutdown(shutdownOptions);
        hostClosed ??= shutdown().then(() => host.close());
        return shutdownOptions?.wait === false ? result : result.then(() => hostClosed);
      };
      return executor;
    },
  });
  afterAll(async () => {
    await Promise.all([...started].map((host) => host.close()));
    shared.disconnect();
    await redis.stop();
  });
}
