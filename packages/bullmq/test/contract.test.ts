import { after, describe, it } from "node:test";
import { runContractSuite } from "@offloop/contract-tests";
import { BullMQExecutor, startWorker, type WorkerHost } from "@offloop/bullmq";
import { redisAvailable, skipReason, startRedis, type RedisServer } from "./redis.js";

// The same suite as every local executor, against a real redis-server, with a
// worker host in this process running tasks in a thread pool. The pool
// options the suite passes (maxWorkers, initializer, cancelGrace, ...) are
// host options; maxQueue is the executor's.
if (!redisAvailable) {
  describe("executor contract: bullmq", () => it("needs redis-server", { skip: skipReason }, () => {}));
} else {
  const redis: RedisServer = await startRedis();
  let queues = 0;
  runContractSuite({
    name: "bullmq (thread-pool worker host)",
    createExecutor(options = {}) {
      const { maxQueue, ...hostOptions } = options;
      const queue = `contract-${++queues}`;
      const host: WorkerHost = startWorker({ connection: redis.connection, queue, executor: "threads", ...hostOptions });
      const executor = new BullMQExecutor({ connection: redis.connection, queue, maxQueue });
      const shutdown = executor.shutdown.bind(executor);
      // The suite owns one executor; here that is a producer plus its host, shut down together.
      executor.shutdown = async (shutdownOptions) => {
        await shutdown(shutdownOptions);
        await host.close();
      };
      return executor;
    },
  });
  after(() => redis.stop());
}
