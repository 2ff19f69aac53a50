import { afterAll, describe } from "vitest";
import { Redis } from "ioredis";
import { itOrSkip, runContractSuite } from "@offloop/contract-tests";
import { BullMQExecutor, startWorker, type StartWorkerOptions, type WorkerHost } from "@offloop/bullmq";
import { redisAvailable, skipReason, startRedis, type RedisServer } from "./redis.js";

// The same suite as every local executor, against a real redis-server, with
// worker hosts in this process running tasks in a thread pool. The pool
// options the suite passes (maxWorkers, initializer, cancelGrace, ...) are
// host options; maxQueue is the executor's.
//
// Hosts are deployed before producers submit, as in production: for each set
// of options one spare host is already connected and waiting on its own
// queue, and each executor takes the spare (a new spare starts behind it).
// Likewise every executor shares one open ioredis connection (passing an
// ioredis instance as `connection` is how an app shares one): otherwise a new
// connection's handshake on a loaded machine can outlast the suite's "running
// after 50 ms" assumptions.
if (!redisAvailable) {
  describe("executor contract: bullmq", () => itOrSkip(skipReason)("needs redis-server", () => {}));
} else {
  const redis: RedisServer = await startRedis();
  const shared = new Redis({ ...redis.connection, maxRetriesPerRequest: null });
  let queues = 0;
  const spares = new Map<string, { queue: string; host: WorkerHost }>();
  const started = new Set<WorkerHost>();
  const spawnHost = (options: Omit<StartWorkerOptions, "connection" | "queue">) => {
    const queue = `contract-${++queues}`;
    const host = startWorker({ connection: redis.connection, queue, executor: "threads", ...options });
    started.add(host);
    return { queue, host };
  };
  const key = (options: object) => JSON.stringify(options, (_, value) => (typeof value === "function" ? String(value) : value));
  // The suite's most common shapes, warm before the first test.
  for (const options of [{ maxWorkers: 1 }, { maxWorkers: 2 }]) spares.set(key(options), spawnHost(options));
  await Promise.all([...spares.values()].map(({ host }) => host.ready));

  runContractSuite({
    name: "bullmq (thread-pool worker host)",
    createExecutor(options = {}) {
      // maxQueue and captureCallSite belong to the producer; the rest configures the host's local pool.
      const { maxQueue, captureCallSite, ...hostOptions } = options;
      const { queue, host } = spares.get(key(hostOptions)) ?? spawnHost(hostOptions);
      spares.set(key(hostOptions), spawnHost(hostOptions));
      const executor = new BullMQExecutor({ connection: shared, queue, maxQueue, captureCallSite });
      const shutdown = executor.shutdown.bind(executor);
      // The suite owns one executor; here that is a producer plus its host, shut down together.
      executor.shutdown = async (shutdownOptions) => {
        await shutdown(shutdownOptions);
        await host.close();
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
