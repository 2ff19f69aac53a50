import { Redis } from "ioredis";
import { ownOptions, type PoolOptions } from "@offloop/core";
import { BullMQExecutor, startWorker, type WorkerHost } from "@offloop/bullmq";
import { startRedis } from "./redis.js";

/**
 * A real redis-server and a factory of executors for the shared suites: each executor is a
 * producer plus its own worker host in this process, whose tasks run in a thread pool. Pool
 * options configure the host; maxQueue and captureCallSite belong to the producer.
 */
export async function bullmqHarness(prefix: string) {
  const redis = await startRedis();
  const shared = new Redis({ ...redis.connection, maxRetriesPerRequest: null });
  const started = new Set<WorkerHost>();
  let queues = 0;
  return {
    createExecutor(options: PoolOptions = {}): BullMQExecutor {
      // Own properties only, as every executor reads its options (a suite pollutes Object.prototype once).
      const { maxQueue, captureCallSite, ...hostOptions } = ownOptions(options) as Record<string, unknown>;
      const queue = `${prefix}-${++queues}`;
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
    async close(): Promise<void> {
      await Promise.all([...started].map((host) => host.close()));
      shared.disconnect();
      await redis.stop();
    },
  };
}
